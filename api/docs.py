"""The browsable docs: Swagger UI from the vendored sidecar files, under the site's CSP.

The split view serves its start-up script as a separate same-origin file (no inline script);
our template moves drf-spectacular's inline <style> into a static file (no inline style).
"""

from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SwaggerDocs(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    permission_classes = [AllowAny]
    authentication_classes = []
