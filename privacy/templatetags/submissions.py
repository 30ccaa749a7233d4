"""``{% submission_token %}``: a built-in tag (settings.TEMPLATES), written beside ``{% csrf_token %}`` in every
form a signed-in user posts; ``OneTimeSubmissionMiddleware`` does each drawn form once."""

import uuid

from django import template
from django.utils.html import format_html

from privacy.middleware import SUBMISSION_TOKEN_FIELD

register = template.Library()


@register.simple_tag
def submission_token():
    return format_html('<input type="hidden" name="{}" value="{}">', SUBMISSION_TOKEN_FIELD, uuid.uuid4())
