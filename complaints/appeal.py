"""Where an applicant can turn after the akimat's decision, in the words of the sources only.

An answer that leaves the applicant nowhere to go is half an answer; but a route made up by us
would be worse than none. So the route has exactly two parts, each from a source, and says
nothing the sources do not (docs/content-decisions.md, "Route of appeal after the answer"):

- the complaint procedure of the service's own act, as the guide's content gives it (its
  paragraphs, whether the act is repealed, and the guide page's "How to complain" section with
  the bodies and their contacts), when the complaint names a service the content still has;
- the rule of the Law "On state services" (article 25, paragraph 3) for a complaint to the
  authorised body for assessing and controlling the quality of state services, from the
  deadline table of DESIGN.md kept in `complaints/domain/data/deadline_rules.yaml`.

The sources give no other route — no court, no article of the Administrative Procedural Code
on appeals (the design cites its article 76 only for forwarding and extensions), no address of
the authorised body — and none that differs by decision, so the route is the same whichever
decision was taken.
"""

from __future__ import annotations

from dataclasses import dataclass

from complaints import directory
from complaints.domain.deadlines import deadline_rule

QUALITY_AUTHORITY_RULE = "quality_authority_complaint"
# The id of the "How to complain" section of a guide service page (guide/templates/guide/
# service.html).
GUIDE_COMPLAINT_SECTION = "complain"


@dataclass(frozen=True)
class ServiceProcedure:
    """The complaint procedure in the service's act, as the guide shows it."""

    service_id: str
    title: str
    paragraphs: list[str]
    act_repealed: bool


@dataclass(frozen=True)
class AppealRoute:
    service: ServiceProcedure | None
    quality_authority_days: int
    quality_authority_basis: str


def appeal_route(service_id: str | None, lang: str) -> AppealRoute:
    rule = deadline_rule(QUALITY_AUTHORITY_RULE)
    service = directory.service(service_id, lang)
    procedure = None
    if service is not None:
        procedure = ServiceProcedure(
            service_id=service.id,
            title=service.title,
            paragraphs=list(service.complaints.paragraphs),
            act_repealed=service.source.status == "repealed",
        )
    return AppealRoute(
        service=procedure,
        quality_authority_days=rule.working_days,
        quality_authority_basis=rule.basis.citation(lang),
    )
