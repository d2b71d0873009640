"""The media library's models.

For now the ``Image`` model still lives in ``blog.models.images`` (its table and migrations
belong to blog); this module is where the rest of the library imports it from, so moving the
model here is a change of this one file and the migrations.
"""

from blog.models.images import Image, image_upload_to

__all__ = ["Image", "image_upload_to"]
