"""Rendering a meeting's agenda and minutes (HTML, PDF, DOCX) and its invitation (ICS) from
plain data (``services.documents.meeting_view``): no database here."""
