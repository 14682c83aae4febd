"""A standard-library simulator of the ActiveCampaign v3 API, on the ``crm_sim`` core.

Start: ``activecampaign-sim --port 0 --port-file url.txt --preset tiny --api-token T`` (common
options of every simulator: ``--seed --latency-ms --faults --timeout-s --quota``; counts such as
``--contacts 1000000``; ``--rate-limit 0`` turns the per-second limit off;
``--field-value-touches-contact``). In Python: ``ACSimulator(ACConfig(...))`` as a context
manager; in tests the fixtures ``make_ac(**config)`` / ``ac`` of
``tests/activecampaign_sim/conftest.py`` (a small account, ``rate_limit=None`` unless given).

API (``{url}/api/3/...``, GET only):

- Auth: header ``Api-Token: <token>``. Missing or wrong: 403
  ``{"message": "No Result found for Subscriber with id 0"}``.
- Collections answer envelopes: ``{"<key>": [...], "meta": {"total": "123"}}`` (total as a
  string). ``limit`` (default 20, larger capped to 100), ``offset``; a non-integer or negative
  one gets 422 ``{"errors": [{"title": ..., "source": {"pointer": "/query/limit"}}]}``.
  ``orders[id]`` or ``orders[cdate]`` ``ASC``/``DESC``; default id ascending. By ``cdate``,
  records inserted at free lower ids (``insert_low``) come in their created-time place.
- Collections (stream name -> path): contacts, accounts, deals, deal_groups (dealGroups,
  sideloads ``dealStages``), deal_stages (dealStages), users, groups, lists, tags, automations,
  campaigns, messages, forms, segments, fields (sideloads ``fieldOptions`` and ``fieldRels``),
  deal_custom_field_meta (dealCustomFieldMeta), account_custom_field_meta
  (accountCustomFieldMeta), ecom_customers (ecomCustomers), field_values (fieldValues),
  contact_tags (contactTags), contact_lists (contactLists), contact_automations
  (contactAutomations), account_contacts (accountContacts), notes, deal_tasks (dealTasks),
  deal_custom_field_data (dealCustomFieldData), account_custom_field_data
  (accountCustomFieldData), ecom_orders (ecomOrders), contact_deals (contactDeals),
  deal_tasktypes (dealTasktypes), deal_roles (dealRoles), connections, ecom_order_products
  (ecomOrderProducts).
  The document lists ``GET /contactLists`` only per contact and ``contactTags`` only for POST;
  both collections are served anyway, and per contact: ``GET /contacts/{id}/<fieldValues|
  contactTags|contactLists|contactAutomations|accountContacts|notes>``. One record:
  ``GET /<path>/{id}`` -> ``{"contact": {...}}`` (contacts also sideload their children);
  ``GET /users/me``. Not served: activities, dealActivities, calendars, scores, webhooks,
  addresses, brandings, savedResponses, taskOutcomes, customObjects, emailActivities,
  ``ecomOrders/{id}/orderProducts`` (analysts rarely query them; none is needed by the issue).
- Records: ids are integers sent as strings (``customFieldId`` of deal and account data is a
  JSON integer); ids of contacts, accounts, deals and ecom_customers have holes (every tenth id
  free). Times are ISO-8601 with the account's offset (``timezone``, default America/Chicago,
  with DST): contacts ``cdate``/``udate``/``created_timestamp``/``updated_timestamp`` (and
  ``created_utc_timestamp``/``updated_utc_timestamp``, UTC without offset), deals
  ``cdate``/``mdate``, accounts and custom field data ``createdTimestamp``/``updatedTimestamp``.
  Deal ``value`` is cents as a string; deal and account custom field data: currency
  ``fieldValue`` an integer of cents with ``fieldCurrency``, number a decimal string,
  multiselect/checkbox arrays, date ``YYYY-MM-DD``, datetime with offset. Contact
  ``fieldValues.value`` is always a string; multiselect/checkbox/listbox as ``||a||b||``.
- Filters: contacts ``filters[created_after|created_before|updated_after|updated_before]``
  (strict), ``id_greater``, ``id_less``, ``email``; deals ``filters[created_after|updated_after]``
  (>=, as the document says), ``filters[created_before|updated_before]``, ``filters[group|stage|
  owner|status]``. A filter time without an offset is read in the ACCOUNT's time zone (send an
  offset or ``Z``); a bad one gets 422. Others: dealStages ``filters[d_groupid]``, dealTasks
  ``filters[relid|status|userid]``, dealCustomFieldData ``filters[dealId]``,
  accountCustomFieldData ``filters[customerAccountId]``, accountContacts
  ``filters[contact|account]``, fieldValues ``filters[fieldid|val]``, ecomOrders
  ``filters[customerid|state|email]``, ecomCustomers ``filters[email|externalid]``, campaigns
  ``filters[seriesid]``. Unknown parameters are ignored, as the API does.
- Limits: ``rate_limit`` (5) requests per ``rate_window_s`` (1 s) per account, whatever the
  token or thread, counted when processed (after simulated latency; authenticated requests
  not answered by a fault): the next gets 429 ``{"message": "Too Many Requests"}`` with
  ``Retry-After``. ``count_deals`` on accounts is ignored (counts stay "0").
  Faults (``crm_sim.faults``): kind ``403`` answers 403 ``{"message": "Forbidden"}`` (a rule's
  ``body`` replaces it), ``429``/``429_retry_after`` 429, 500/502/503, timeout, html,
  truncated...
- Semantics: a contact's ``udate`` does NOT move when only a field value changes
  (``field_value_touches_contact=False``, the pessimistic reading); the field value's ``udate``
  does. The same switch governs a deal's ``mdate`` and an account's ``updatedTimestamp`` when
  their custom field data change. A base record's ``udate`` is its ``cdate`` when never
  updated, else up to 60 days later; a base field value's ``udate`` can be later than its
  contact's. A created record's ``udate`` is its ``cdate``.

Control (``{url}/_sim/...``, JSON): ``GET truth`` (every stream: path and count),
``GET truth/<stream>/ids|count|records`` (ground truth, stream names as above),
``GET requests`` (the log, without the token), ``POST requests/clear``, ``POST faults``,
``POST rate/reset``, ``POST advance {"seconds": n}``, ``POST mutate`` with one op or a list:
``{"op": "update", "stream", "id", "fields"}`` (its udate/mdate becomes now),
``{"op": "create", "stream", "n", "overrides"}`` (children name their parent: ``contact`` for
field_values, contact_tags, contact_lists, contact_automations, account_contacts; ``relid`` for
notes and deal_tasks; ``dealId``, ``customerAccountId``, ``customerid``, ``deal``),
``{"op": "delete", "stream", "id"}``, ``{"op": "set_field_value", "contact", "field",
"value"}``, ``{"op": "set_custom_value", "stream", "parent", "field", "value"}`` (stream
field_values, deal_custom_field_data or account_custom_field_data; adds the value when
missing), ``{"op": "insert_low", "stream", "n"}`` (records at free ids BELOW older ones, created
now), ``{"op": "insert_during_read", "after": n, "stream", "low": k, "high": m}`` (after the n-th
API request from now: k records at lower free ids and m at new higher ids, so a read by offset
skips or repeats records). In Python the same: ``sim.update/create/delete``,
``sim.set_field_value``, ``sim.set_custom_value``, ``sim.insert_low``,
``sim.insert_during_read``, ``sim.ids(stream)``, ``sim.records(stream)``,
``sim.changed_since(stream, epoch)``, ``sim.requests()`` (each entry: ``ts`` arrival time,
``status``, ``fault``; a request refused by the limit has status 429 and fault None),
``sim.busiest_window(1.0)`` (the most requests sent within any second, from the log),
``sim.rate_limited`` (how many the limit refused), ``sim.reset_rate_window()``.
"""

from activecampaign_sim.config import PRESETS, ACConfig, preset
from activecampaign_sim.data import STREAMS
from activecampaign_sim.server import ACSimulator

__all__ = ["PRESETS", "STREAMS", "ACConfig", "ACSimulator", "preset"]
