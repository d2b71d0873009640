/* A body-editor extension (django-prose-editor "configurable" preset): the cursor never stays
   trapped in a figure's caption (the 出典 line). In a caption, Enter and Escape leave the figure
   for a new paragraph below it; ↓, and → at the end of the caption, move to the paragraph below
   (made if there is none), so the next paragraphs and headings are never typed into 出典. */
import { Extension } from "django-prose-editor/editor";

function captionContext(state) {
  const { $from, empty } = state.selection;
  if (!empty) return null;
  for (let depth = $from.depth; depth > 0; depth--) {
    if ($from.node(depth).type.name === "caption" && depth > 1) {
      const figureDepth = depth - 1;
      if ($from.node(figureDepth).type.name !== "figure") return null;
      return {
        atEnd: $from.parentOffset === $from.parent.content.size,
        afterFigure: $from.after(figureDepth),
      };
    }
  }
  return null;
}

function leaveFigure(editor, { newParagraph, onlyAtEnd }) {
  const context = captionContext(editor.state);
  if (!context || (onlyAtEnd && !context.atEnd)) return false;
  const { afterFigure } = context;
  const next = editor.state.doc.resolve(afterFigure).nodeAfter;
  if (!newParagraph && next && next.isTextblock) {
    return editor.chain().setTextSelection(afterFigure + 1).scrollIntoView().run();
  }
  return editor
    .chain()
    .insertContentAt(afterFigure, { type: "paragraph" })
    .setTextSelection(afterFigure + 1)
    .scrollIntoView()
    .run();
}

export const FigureExit = Extension.create({
  name: "figureExit",
  // Before the editor's own Enter (split block) and arrow handling.
  priority: 1000,
  addKeyboardShortcuts() {
    return {
      Enter: () => leaveFigure(this.editor, { newParagraph: true, onlyAtEnd: false }),
      Escape: () => leaveFigure(this.editor, { newParagraph: true, onlyAtEnd: false }),
      ArrowDown: () => leaveFigure(this.editor, { newParagraph: false, onlyAtEnd: false }),
      ArrowRight: () => leaveFigure(this.editor, { newParagraph: false, onlyAtEnd: true }),
    };
  },
});
