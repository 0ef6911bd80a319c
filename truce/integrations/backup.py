"""What integrations keeps in a workspace backup (see truce/interop/registry.py): the outgoing
endpoints, with their URL and signing secret as they are, since the receivers verify that
secret (a secret is not unique, so a restored copy beside the original needs no new one).
A restored endpoint starts disabled: a copy restored beside its original would otherwise post
every event to the same robot or receiver a second time. An admin enables it on the
integrations page once the copy is the one in use.

Left out (registry.SKIP): deliveries and their attempts, the log of what was sent. It is
operational: a delivery still waiting or retrying would be sent a second time by the restored
copy, and its ``uid`` is unique across the instance. Send marks are the sliding window of the
rate limit, transient by nature. Events restored with their ``dispatched_at`` are not
dispatched again.
"""

from __future__ import annotations

from truce.integrations.models import Endpoint
from truce.interop.registry import Entry

BACKUP = [Entry(Endpoint, on_restore=(("enabled", False),))]
