"""The web adapter: the answer portal (``/svar/{token}``), the secretariat's overview
(``/sekretariat``) and the JSON API (``/api/``), built by :func:`hoering.web.app.create_app`."""
