"""The MCA document behind an AgreementDocument's links (R-API-4, R-TPL-1, R-TPL-2).

``displayUri`` is an HTML preview and ``downloadUri`` a Word file, both for the link's country and
language, served by the sandbox itself. Each link lives five minutes on its tenant's clock, then 404.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

from flask import Blueprint, Response, current_app, render_template_string

from sandbox.domain import rules
from sandbox.domain.errors import NotFound
from sandbox.domain.model import DocumentLink
from sandbox.services import agreements

bp = Blueprint("agreement_documents", __name__, url_prefix="/documents/agreements")

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

# The agreement's title in the languages of the documented country table (others read in English).
TITLES = {
    "en-US": "Microsoft Customer Agreement",
    "de-DE": "Microsoft-Kundenvertrag",
    "fr-FR": "Contrat client Microsoft",
    "es-ES": "Contrato de cliente de Microsoft",
    "pt-PT": "Contrato de Cliente Microsoft",
    "pt-BR": "Contrato de Cliente Microsoft",
    "it-IT": "Contratto con il cliente Microsoft",
    "nl-NL": "Microsoft-klantovereenkomst",
    "da-DK": "Microsoft-kundeaftale",
    "sv-SE": "Microsoft-kundavtal",
    "nb-NO": "Microsoft-kundeavtale",
    "fi-FI": "Microsoftin asiakassopimus",
    "pl-PL": "Umowa klienta firmy Microsoft",
    "cs-CZ": "Smlouva se zákazníkem společnosti Microsoft",
    "tr-TR": "Microsoft Müşteri Sözleşmesi",
    "ru-RU": "Клиентское соглашение Microsoft",
    "ja-JP": "Microsoft 顧客契約",
    "ko-KR": "Microsoft 고객 계약",
    "zh-HK": "Microsoft 客戶合約",
    "zh-SG": "Microsoft 客户协议",
}

# Sandbox text: it reads like the agreement's opening sections but is not the binding agreement.
SECTIONS = (
    ("General terms",
     "This Microsoft Customer Agreement (the \u201cAgreement\u201d) is entered into between the customer and Microsoft. "
     "It governs the customer's purchase and use of Products and Professional Services, through a partner or "
     "directly, and takes effect on the date the customer accepts it."),
    ("1. Licenses to use Products",
     "Subject to the customer's compliance with this Agreement and payment of the applicable fees, Microsoft grants "
     "the customer the rights to use the Products it orders, as set out in the Product Terms for the period of use."),
    ("2. Privacy and security",
     "The customer consents to the processing of personal data by Microsoft and its agents as described in the "
     "Data Protection Addendum, which forms part of this Agreement."),
    ("3. Purchasing through a partner",
     "Where the customer buys through a Cloud Solution Provider partner, prices and payment terms are agreed "
     "between the customer and that partner. The partner may confirm the customer's acceptance of this Agreement."),
    ("4. Term and termination",
     "This Agreement stays in effect until terminated by a party. Either party may terminate it on 60 days' notice; "
     "licenses granted for a fixed period continue until that period ends."),
)

PREVIEW = """<!doctype html>
<html lang="{{ lang }}">
<head><meta charset="utf-8"><title>{{ title }}</title>
<style>body{font-family:Segoe UI,Arial,sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5;color:#222}
.sandbox{background:#fff4ce;border:1px solid #e0c060;padding:.4rem .8rem;font-size:.9rem}</style></head>
<body>
<p class="sandbox"><strong>Sandbox</strong> preview for rehearsal; not the binding agreement.</p>
<h1>{{ title }}</h1>
<p>Country/region: <strong>{{ country_name }}</strong> ({{ country }}) &middot; Language: <strong>{{ language }}</strong></p>
<p>Template {{ template_id }}</p>
{% for heading, text in sections %}<h2>{{ heading }}</h2>
<p>{{ text }}</p>
{% endfor %}<p><a href="{{ download }}">Download (Word)</a></p>
</body></html>
"""


def document_urls(link: DocumentLink, public_url: str | None = None) -> tuple[str, str]:
    """(displayUri, downloadUri) of a document link on the sandbox's public URL; the admin center uses it too."""
    base = (public_url or current_app.config["PUBLIC_URL"]).rstrip("/")
    return f"{base}{bp.url_prefix}/{link.token}/preview", f"{base}{bp.url_prefix}/{link.token}/download"


def _open(token: str) -> DocumentLink:
    if not _TOKEN.match(token):
        raise NotFound("The link to the agreement document was not found or has expired.")
    return agreements.open_agreement_document(current_app.extensions["services"], token)


def _title(language: str) -> str:
    return TITLES.get(language, TITLES["en-US"])


@bp.errorhandler(NotFound)
def _gone(error: NotFound):
    page = render_template_string(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Link expired</title></head>"
        "<body><h1>This link has expired or does not exist</h1><p>{{ text }}</p>"
        "<p>Links to the agreement document are valid for five minutes. Ask for a new one.</p></body></html>",
        text=error.description,
    )
    return Response(page, 404, mimetype="text/html")


@bp.get("/<token>/preview")
def preview(token: str):
    link = _open(token)
    _, download = document_urls(link)
    page = render_template_string(
        PREVIEW, lang=link.language, title=_title(link.language), country=link.country,
        country_name=rules.country_name(link.country), language=link.language, template_id=link.template_id,
        sections=SECTIONS, download=download,
    )
    return Response(page, 200, mimetype="text/html")


@bp.get("/<token>/download")
def download(token: str):
    link = _open(token)
    data = docx(link)
    response = Response(data, 200, mimetype=DOCX_MIMETYPE)
    filename = f"MicrosoftCustomerAgreement_{link.country}_{link.language}.docx"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def docx(link: DocumentLink) -> bytes:
    """A minimal, valid WordprocessingML document for the link's country and language."""
    title = _title(link.language)
    paragraphs = [
        _paragraph(title, bold=True, size=40),
        _paragraph(f"Country/region: {rules.country_name(link.country)} ({link.country}). Language: {link.language}."),
        _paragraph(f"Template {link.template_id}. Sandbox copy for rehearsal; not the binding agreement."),
    ]
    for heading, text in SECTIONS:
        paragraphs.append(_paragraph(heading, bold=True))
        paragraphs.append(_paragraph(text))
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + "".join(paragraphs)
        + '<w:sectPr><w:pgSz w:w="12240" w:h="15840"/></w:sectPr></w:body></w:document>'
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/>'
            "</Relationships>"
        ),
        "docProps/core.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{escape(title)}</dc:title><dc:language>{escape(link.language)}</dc:language>"
            f"<cp:keywords>{escape(link.country)}</cp:keywords></cp:coreProperties>"
        ),
        "word/document.xml": document,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2019, 10, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def _paragraph(text: str, *, bold: bool = False, size: int | None = None) -> str:
    run_props = ("<w:b/>" if bold else "") + (f'<w:sz w:val="{size}"/>' if size else "")
    run_props = f"<w:rPr>{run_props}</w:rPr>" if run_props else ""
    return f'<w:p><w:r>{run_props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
