"""The media library: uploaded images, their validation by content, clean originals, renditions
(responsive widths in WebP plus a JPEG/PNG fallback, and an OGP crop) and their markup.

One entry point writes to it: ``media.services`` (``add_image``, ``replace_image_file``), used by
the admin, the WordPress importer and the demo content. Everything is read and written through
the image field's storage, so production can move media to object storage without code changes.
This app imports none of the apps that use it (blog, comments, wpimport).
"""
