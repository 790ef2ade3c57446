"""schema.org Event data for an event's page (JSON-LD)."""

from __future__ import annotations


def event_jsonld(site, item, upcoming: bool, about: str | None) -> dict:
    """The Event object of ``item``; ``about``: the field that says what the event is about (its description)."""
    siteurl = site.settings["SITEURL"].rstrip("/")
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": item.title,
        "startDate": item.date.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "inLanguage": site.language[item.lang].html_lang,
        "url": f"{siteurl}/{item.url}",
    }
    if item.fields.get("end"):
        data["endDate"] = item.fields["end"].isoformat()
    if item.fields.get("venue"):
        data["location"] = {"@type": "Place", "name": item.fields["venue"], "address": {"@type": "PostalAddress", "addressRegion": "Hong Kong", "addressCountry": "HK"}}
    description = (about and item.fields.get(about)) or item.summary
    if description:
        data["description"] = description
    if item.fields.get("organisers"):
        data["organizer"] = [{"@type": "Organization", "name": name} for name in item.fields["organisers"]]
    if upcoming and item.fields.get("registration"):
        data["offers"] = {"@type": "Offer", "url": item.fields["registration"], "price": "0", "priceCurrency": "HKD", "availability": "https://schema.org/InStock"}
    return data
