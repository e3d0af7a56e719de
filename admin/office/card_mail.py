"""A carer's collection card by e-mail, to show on their phone at the door (issue 17 §2): the
QR code drawn in the message (a ``cid:`` image, so it shows without loading anything) and
attached as a PNG to save or print, with the same words as the printed card, in the carer's
language. The card's secret is in this message only: the hub keeps its hash, so the message
is sent at once, never queued (a queued copy would put the secret in the database)."""

from __future__ import annotations

import io
from email.message import EmailMessage
from email.utils import make_msgid
from html import escape

import segno

from admin.mail import SmtpSettings
from admin.notice_language import RIGHT_TO_LEFT, _, language_of, translation
from db.models import Adult

# The printed card's words (admin/templates/cards_print.html), for the catalogs.
CARD_LINE = _("Card {card} · show it at the door to collect")


def qr_png(payload: str) -> bytes:
    """Large and with a wide quiet zone: a phone screen is read through glass and glare."""
    out = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def card_message(
    smtp: SmtpSettings, *, carer: Adult, nursery: str, card_id: str, payload: str
) -> EmailMessage:
    code = language_of(carer.language)
    say = translation(code).gettext
    holder = f"{carer.first_name} {carer.last_name}".strip()
    card_line = say(CARD_LINE).format(card=card_id)
    lines = [
        say(_("Dear {name},")).format(name=carer.first_name),
        say(_("Here is your collection card for {nursery}. Show this code at the door.")).format(
            nursery=nursery
        ),
        say(
            _(
                "Keep it to yourself: anyone with this code can ask to collect. If your phone "
                "is lost, call the nursery and the card will be stopped."
            )
        ),
    ]
    message = EmailMessage()
    message["From"], message["To"] = smtp.sender, carer.email or ""
    message["Subject"] = say(_("Your card for {nursery}")).format(nursery=nursery)[:200]
    message["Auto-Submitted"] = "auto-generated"
    card_text = f"{holder}\n{nursery}\n{card_line}"
    message.set_content("\n\n".join([*lines, card_text, nursery]) + "\n")
    image_id = make_msgid(domain="handover")
    direction = "rtl" if code in RIGHT_TO_LEFT else "ltr"
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines)
    message.add_alternative(
        f'<!doctype html><html lang="{code}" dir="{direction}"><body '
        f'style="font-family:sans-serif">{paragraphs}'
        '<div style="border:1px solid #888;border-radius:8px;padding:12px;max-width:340px">'
        f"<p><strong>{escape(holder)}</strong><br>{escape(nursery)}</p>"
        f'<img src="cid:{image_id[1:-1]}" alt="QR" width="260" height="260" '
        'style="background:#fff">'
        f'<p style="font-size:small;color:#555">{escape(card_line)}</p></div>'
        f"<p>{escape(nursery)}</p></body></html>",
        subtype="html",
    )
    png = qr_png(payload)
    html_part = message.get_body(preferencelist=("html",))
    assert isinstance(html_part, EmailMessage)
    html_part.add_related(png, maintype="image", subtype="png", cid=image_id)
    message.add_attachment(png, maintype="image", subtype="png", filename=f"card-{card_id}.png")
    return message
