"""What a file is, decided by its bytes (magic numbers and, for zip-based office files, the
members inside), never by its name; and whether its name is one we can keep.

Pure rules, no I/O beyond reading the bytes given. Every refusal is a :class:`FileRefused`
carrying a reason code (for tests and logs) and one Danish sentence (for the page, the CLI and
the mail to the sender): the same wording wherever a file is refused.

Zip bombs: OOXML (DOCX, XLSX, PPTX) and ODF (ODT, ODS, ODP) files are zip archives. The central
directory declares every member's uncompressed size; we add those up and refuse the file before
decompressing anything when the total is above :data:`MAX_UNCOMPRESSED` or a member expands more
than :data:`MAX_RATIO` times. Python's zipfile never yields more than a member's declared size,
so the few members we do read (``[Content_Types].xml``, ``mimetype``) are bounded as well.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

from hoering.domain.text import clean_text
from hoering.errors import FileRefused

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # 200 MB of unpacked office file is far beyond any real one
MAX_RATIO = 200  # text compresses about 10x; a member expanding 200x is a bomb, not a document
MAX_MEMBERS = 5000
MAX_NAME = 200  # characters in a file name


@dataclass(frozen=True)
class FileType:
    key: str  # "pdf", "docx", ...
    mime_type: str
    extension: str  # ".pdf"
    label: str  # Danish, for messages: "PDF"


TYPES: dict[str, FileType] = {t.key: t for t in (
    FileType("pdf", "application/pdf", ".pdf", "PDF"),
    FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             ".docx", "Word (DOCX)"),
    FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             ".xlsx", "Excel (XLSX)"),
    FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             ".pptx", "PowerPoint (PPTX)"),
    FileType("odt", "application/vnd.oasis.opendocument.text", ".odt", "OpenDocument-tekst (ODT)"),
    FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", ".ods", "OpenDocument-regneark (ODS)"),
    FileType("odp", "application/vnd.oasis.opendocument.presentation", ".odp", "OpenDocument-præsentation (ODP)"),
    FileType("png", "image/png", ".png", "PNG-billede"),
    FileType("jpeg", "image/jpeg", ".jpg", "JPEG-billede"),
    FileType("gif", "image/gif", ".gif", "GIF-billede"),
    FileType("txt", "text/plain; charset=utf-8", ".txt", "tekstfil"),
)}

# What a kommune may upload with its answer (the issue: PDF, DOCX, ODT, XLSX).
ANSWER_TYPES = frozenset({"pdf", "docx", "odt", "xlsx"})
ANSWER_TYPES_DA = "PDF, Word (DOCX), OpenDocument-tekst (ODT) eller Excel (XLSX)"

_EXTENSION_CLAIMS = {t.extension: t.key for t in TYPES.values()} | {".jpeg": "jpeg", ".text": "txt"}
_EXECUTABLE = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
_ODF = {"application/vnd.oasis.opendocument.text": "odt",
        "application/vnd.oasis.opendocument.spreadsheet": "ods",
        "application/vnd.oasis.opendocument.presentation": "odp"}
_OOXML = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"), ("ppt/presentation.xml", "pptx"))


def clean_filename(name: str | None) -> str:
    """The name as given, trimmed and NFC-normalised; refused when empty, too long, or carrying
    path separators or control characters (a crafted name like ``../../x`` is refused, not
    silently cut, so nobody is surprised by what was kept)."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise FileRefused("no_name", "Filen har intet navn. Giv filen et navn, og send den igen.")
    if "/" in name or "\\" in name or name in (".", ".."):
        raise FileRefused("path_in_name", f"Filnavnet «{_shown(name)}» må ikke indeholde / eller \\. "
                          "Omdøb filen, og send den igen.")
    # what clean_text would remove or turn into a line break (controls, separators), and format
    # characters such as U+202E (which can show "svar\u202efdp.exe" as "svarexe.pdf"), are refused:
    # a name is shown back as it was given, so it is not silently changed
    if clean_text(name) != name or any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise FileRefused("control_in_name", f"Filnavnet «{_shown(name)}» indeholder usynlige "
                          "kontroltegn. Omdøb filen, og send den igen.")
    if len(name) > MAX_NAME:
        raise FileRefused("long_name", f"Filnavnet er for langt (højst {MAX_NAME} tegn). "
                          "Omdøb filen, og send den igen.")
    return name


def stored_name(name: str, kind: FileType) -> str:
    """The name a file of ``kind`` is kept under: ``name`` when it already ends in the type's
    extension (any case, ``.jpeg`` too), else ``name`` with the extension added. A polyglot named
    ``x.html`` that is a PDF by its bytes is kept as ``x.html.pdf``: whoever downloads it gets a
    name that opens it as what it is, never as a page in a browser."""
    extensions = [ext for ext, key in _EXTENSION_CLAIMS.items() if key == kind.key]
    if name.lower().endswith(tuple(extensions)):
        return name
    return name + kind.extension


def _shown(name: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in name)[:80]


def detect(data: bytes, filename: str = "") -> FileType:
    """The type of ``data`` by its content; ``filename`` only words the message when refused."""
    name = filename or "Filen"
    if not data:
        raise FileRefused("empty", f"«{_shown(name)}» er tom (0 byte).")
    if data.startswith(_EXECUTABLE):
        raise FileRefused("executable", f"«{_shown(name)}» er et program, ikke et dokument, "
                          "og kan ikke modtages.")
    head = data[:1024]
    if b"%PDF-" in head:
        if b"%%EOF" not in data[-2048:]:
            raise FileRefused("broken_pdf", f"«{_shown(name)}» er en ufuldstændig PDF-fil "
                              "(slutningen mangler).")
        return TYPES["pdf"]
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data, name)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return TYPES["png"]
    if data.startswith(b"\xff\xd8\xff"):
        return TYPES["jpeg"]
    if data.startswith((b"GIF87a", b"GIF89a")):
        return TYPES["gif"]
    claimed = _claimed(filename)
    if _is_text(data) and (claimed is None or claimed.key == "txt"):
        return TYPES["txt"]
    if claimed is not None:
        raise FileRefused("not_" + claimed.key, f"«{_shown(name)}» hedder {claimed.extension}, men "
                          f"indholdet er ikke en {claimed.label}-fil.")
    raise FileRefused("unknown_type", f"«{_shown(name)}» er ikke en filtype, vi kan modtage.")


def detect_allowed(data: bytes, filename: str, allowed: frozenset[str], allowed_da: str) -> FileType:
    """:func:`detect`, then refused unless the type is in ``allowed``."""
    found = detect(data, filename)
    if found.key not in allowed:
        raise FileRefused("type_not_allowed", f"«{_shown(filename)}» er en {found.label}; "
                          f"vi modtager kun {allowed_da}.")
    return found


def _claimed(filename: str) -> FileType | None:
    dot = filename.rfind(".")
    key = _EXTENSION_CLAIMS.get(filename[dot:].lower()) if dot >= 0 else None
    return TYPES[key] if key else None


def _is_text(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # a multi-byte character cut at the sample's end is fine
            return False
    return all(b >= 0x20 or b in (0x09, 0x0A, 0x0D, 0x0C) for b in sample)


def _zip_type(data: bytes, name: str) -> FileType:
    broken = FileRefused("broken_zip", f"«{_shown(name)}» er en beskadiget eller ufuldstændig fil.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise broken from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise FileRefused("zip_bomb", f"«{_shown(name)}» indeholder for mange dele til at være "
                              "et almindeligt dokument.")
        total = sum(m.file_size for m in members)
        if total > MAX_UNCOMPRESSED or any(
                m.file_size > MAX_RATIO * max(m.compress_size, 1) and m.file_size > 1024 * 1024
                for m in members):
            raise FileRefused("zip_bomb", f"«{_shown(name)}» fylder urimeligt meget, når den pakkes "
                              "ud, og afvises (mulig zip-bombe).")
        names = {m.filename for m in members}
        try:
            if "mimetype" in names:
                mime = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mime in _ODF:
                    return TYPES[_ODF[mime]]
            if "[Content_Types].xml" in names:
                for member, key in _OOXML:
                    if member in names:
                        return TYPES[key]
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
            raise broken from None
    claimed = _claimed(name)
    if claimed is not None and claimed.key in ("docx", "xlsx", "pptx", "odt", "ods", "odp"):
        raise FileRefused("not_" + claimed.key, f"«{_shown(name)}» hedder {claimed.extension}, men "
                          f"indholdet er ikke en {claimed.label}-fil.")
    raise FileRefused("zip", f"«{_shown(name)}» er et zip-arkiv; send dokumenterne hver for sig.")
