"""The image pipeline of the media library: upload validation, clean originals, renditions
(responsive widths in WebP plus a JPEG/PNG fallback, and an OGP crop) and their markup.

Everything is read and written through the image field's storage, so production can move
media to object storage without code changes.
"""
