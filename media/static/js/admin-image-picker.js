/* The media-library picker of the Kiji admin (no build step, no dependencies).
 *
 * In the picker popup (admin/media/image/picker/): a click on an image hands it back to the
 * window that opened the popup, then closes it.
 *  - ?CKEditorFuncNum=N: django-prose-editor's figure dialog, which speaks the CKEditor
 *    file-browser protocol: callFunction(N, url, {id, alternative_text, caption}). The dialog
 *    then stores the id as the image's data-file attribute and fills alt text and caption.
 *  - ?target=<input id>: an ImagePickerWidget (the eyecatch field) in the opener.
 * In forms with an ImagePickerWidget: "Choose from the library" opens the popup, "Remove"
 * empties the field, and the thumbnail follows the chosen image.
 */
(function () {
  "use strict";

  function pickerChoose(button) {
    var params = new URLSearchParams(window.location.search);
    var opener = window.opener;
    if (!opener) {
      return;
    }
    var data = button.dataset;
    var funcNum = params.get("CKEditorFuncNum");
    var target = params.get("target");
    if (funcNum && opener.CKEDITOR && opener.CKEDITOR.tools) {
      opener.CKEDITOR.tools.callFunction(Number(funcNum), data.imageUrl, {
        id: data.imageId,
        alternative_text: data.imageAlt,
        caption: data.imageCaption,
      });
    } else if (target && opener.kijiImagePicker) {
      opener.kijiImagePicker.choose(target, {
        id: data.imageId,
        title: data.imageTitle,
        thumb: data.imageThumb,
      });
    } else {
      return;
    }
    window.close();
  }

  function fieldParts(input) {
    var field = input.closest("[data-image-picker-field]");
    return {
      thumb: field && field.querySelector("[data-image-picker-thumb]"),
      title: field && field.querySelector("[data-image-picker-title]"),
    };
  }

  function showChoice(input, image) {
    var parts = fieldParts(input);
    if (parts.thumb) {
      parts.thumb.src = image && image.thumb ? image.thumb : "";
      parts.thumb.style.display = image && image.thumb ? "block" : "none";
    }
    if (parts.title) {
      parts.title.textContent = image ? image.title || "#" + image.id : "—";
    }
  }

  window.kijiImagePicker = {
    choose: function (targetId, image) {
      var input = document.getElementById(targetId);
      if (!input) {
        return;
      }
      input.value = image.id;
      input.dataset.pickedId = String(image.id);
      showChoice(input, image);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    },
  };

  document.addEventListener("click", function (event) {
    var choice = event.target.closest("[data-image-picker] [data-image-id]");
    if (choice) {
      event.preventDefault();
      pickerChoose(choice);
      return;
    }
    var open = event.target.closest("[data-image-picker-open]");
    if (open) {
      event.preventDefault();
      var url = open.dataset.url;
      var joiner = url.indexOf("?") === -1 ? "?" : "&";
      window.open(
        url + joiner + "target=" + encodeURIComponent(open.dataset.target),
        "kiji-image-picker",
        "width=960,height=720"
      );
      return;
    }
    var clear = event.target.closest("[data-image-picker-clear]");
    if (clear) {
      event.preventDefault();
      var input = document.getElementById(clear.dataset.target);
      if (input) {
        input.value = "";
        input.dataset.pickedId = "";
        showChoice(input, null);
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
  });

  // A value typed by hand or set by the related-object "+" popup: the title is unknown here.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-image-picker-input]")) {
      return;
    }
    if (input.dataset.pickedId === input.value) {
      return; // set by choose() or clear above, which showed the choice already
    }
    input.dataset.pickedId = input.value;
    showChoice(input, input.value ? { id: input.value, title: "#" + input.value } : null);
  });
})();
