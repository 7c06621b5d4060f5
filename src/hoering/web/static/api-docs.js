// Starts Swagger UI on /api/docs. A file of its own (not an inline script) so the page runs under
// a Content-Security-Policy without 'unsafe-inline' scripts.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
