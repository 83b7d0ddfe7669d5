"""Beat verifies the history once a day: the seals written since are chained, and any problem is
logged as an error naming the rows (the same report as ``manage.py verify_history``)."""

import logging

from celery import shared_task

from .verify import verify

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def verify_history():
    report = verify()
    for problem in report.problems:
        logger.error("History check: %s", problem)
    logger.info(
        "History checked: %s problems, chain head %s", len(report.problems), report.chain_head
    )
    return len(report.problems)
