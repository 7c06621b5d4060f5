"""What directors and the secretariat read about a hearing: exports (CSV, XLSX, JSON) and the
høringsnotat (DOCX, PDF), all written from one :class:`~hoering.views.report.HearingReport`."""
