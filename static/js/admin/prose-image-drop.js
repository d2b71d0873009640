/* A body-editor extension (django-prose-editor "configurable" preset): images dropped or
   pasted into the body go through the media library. The editor is asked for the alt text and
   the credit (出典) first; the file is uploaded to the library (same checks, renditions and
   credit as any upload) and inserted as a figure with its credit line as caption. */
import { Extension, Plugin } from "django-prose-editor/editor";

const gettext = window.gettext || ((s) => s);
const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"];

function askDetails(file) {
  return new Promise((resolve) => {
    const dialog = document.createElement("dialog");
    dialog.className = "image-drop-dialog";
    const form = document.createElement("form");
    form.method = "dialog";
  form.noValidate = true;
    const heading = document.createElement("h2");
    heading.textContent = gettext("Add the image to the media library");
    const name = document.createElement("p");
    name.className = "help";
    name.textContent = file.name || "";
    const alt = field(gettext("Alternative Text"), "alt", true);
    const credit = field(gettext("Credit (出典)"), "credit", false);
    const error = document.createElement("p");
    error.className = "errornote";
    error.hidden = true;
    const ok = document.createElement("button");
    ok.type = "submit";
    ok.className = "default";
    ok.textContent = gettext("Insert");
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = gettext("Cancel");
    cancel.addEventListener("click", () => { dialog.close(); });
    form.append(heading, name, alt.row, credit.row, error, ok, " ", cancel);
    dialog.append(form);
    document.body.append(dialog);
    form.addEventListener("submit", (event) => {
      if (!alt.input.value.trim()) {
        event.preventDefault();
        error.textContent = gettext("Describe the image (alt text): readers' screen readers say it.");
        error.hidden = false;
        alt.input.focus();
        return;
      }
      dialog.returnValue = "ok";
    });
    dialog.addEventListener("close", () => {
      const result = dialog.returnValue === "ok"
        ? { alt: alt.input.value.trim(), credit: credit.input.value.trim() }
        : null;
      dialog.remove();
      resolve(result);
    });
    dialog.showModal();
    alt.input.focus();
  });
}

function field(label, name, required) {
  const row = document.createElement("p");
  const id = "image-drop-" + name;
  const caption = document.createElement("label");
  caption.htmlFor = id;
  caption.textContent = label;
  const input = document.createElement("input");
  input.type = "text";
  input.name = name;
  input.id = id;
  input.className = "vTextField";
  input.maxLength = name === "alt" ? 200 : 300;
  if (required) input.setAttribute("aria-required", "true");
  row.append(caption, document.createElement("br"), input);
  return { row, input };
}

function csrfToken(element) {
  const form = element.closest("form");
  const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

async function uploadAndInsert(editor, file, position, uploadUrl) {
  const details = await askDetails(file);
  if (!details) return;
  const data = new FormData();
  data.append("file", file, file.name || "image");
  data.append("title", details.alt);
  data.append("credit", details.credit);
  let answer;
  try {
    const response = await fetch(uploadUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(editor.options.element) },
      body: data,
    });
    answer = await response.json();
    if (!response.ok) throw new Error(answer.error || response.statusText);
  } catch (error) {
    window.alert(gettext("The image was not added:") + " " + error.message);
    return;
  }
  const content = [{ type: "image", attrs: { src: answer.url, alt: answer.alt, file: String(answer.id) } }];
  if (answer.credit) {
    content.push({ type: "caption", content: [{ type: "text", text: gettext("Credit: %(credit)s").replace("%(credit)s", answer.credit) }] });
  }
  const at = Math.min(position, editor.state.doc.content.size);
  editor.chain().focus().insertContentAt(at, { type: "figure", content }).run();
}

function imageFiles(list) {
  return Array.from(list || []).filter((file) => IMAGE_TYPES.includes(file.type));
}

export const ImageDrop = Extension.create({
  name: "imageDrop",
  addOptions: () => ({ uploadUrl: null }),
  addProseMirrorPlugins() {
    const editor = this.editor;
    const uploadUrl = this.options.uploadUrl;
    if (!uploadUrl) return [];
    const handle = async (files, position) => {
      for (const file of files) {
        await uploadAndInsert(editor, file, position, uploadUrl);
        position = editor.state.selection.to;
      }
    };
    return [
      new Plugin({
        props: {
          handlePaste(view, event) {
            const files = imageFiles(event.clipboardData && event.clipboardData.files);
            if (!files.length) return false;
            event.preventDefault();
            handle(files, view.state.selection.from);
            return true;
          },
          handleDrop(view, event) {
            const files = imageFiles(event.dataTransfer && event.dataTransfer.files);
            if (!files.length) return false;
            event.preventDefault();
            const place = view.posAtCoords({ left: event.clientX, top: event.clientY });
            handle(files, place ? place.pos : view.state.selection.from);
            return true;
          },
        },
      }),
    ];
  },
});
