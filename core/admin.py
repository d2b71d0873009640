"""Admin site set-up: the throttled login form and the site's own titles."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.throttle import ThrottledAdminAuthenticationForm

admin.site.login_form = ThrottledAdminAuthenticationForm
admin.site.site_header = _("%(site)s administration") % {"site": settings.SITE_NAME}
admin.site.site_title = _("%(site)s admin") % {"site": settings.SITE_NAME}
admin.site.index_title = _("Site administration")
