-- Agile CRM helpdesk tickets: status, priority and type are the API's words (NEW, OPEN...;
-- LOW, MEDIUM, HIGH); the owner is the assignee.
{%- if crm_source_present('agilecrm', ['tickets']) %}
select
    id as ticket_id,
    subject,
    status,
    priority,
    type as ticket_type,
    source as ticket_source,
    nullif("contactID", 0) as contact_id,
    "assigneeID" as owner_id,
    "groupID" as group_id,
    requester_email,
    {{ utc('created_time') }} as created_at,
    {{ utc('last_updated_time') }} as updated_at
from {{ source('agilecrm', 'tickets') }}
where {{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
