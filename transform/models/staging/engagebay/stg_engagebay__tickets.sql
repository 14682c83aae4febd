-- EngageBay helpdesk tickets. status, priority and type are the API's integer codes (their
-- labels are configured per account and not exposed by the API the tap reads): kept as codes,
-- and as text in the contract's status, priority and ticket_type.
{%- if crm_source_present('engagebay', ['tickets']) %}
select
    id as ticket_id,
    subject,
    cast(status as {{ dbt.type_string() }}) as status,
    cast(priority as {{ dbt.type_string() }}) as priority,
    cast(type as {{ dbt.type_string() }}) as ticket_type,
    cast(status as integer) as status_code,
    cast(priority as integer) as priority_code,
    cast(type as integer) as type_code,
    source as ticket_source,
    subscriber_id as contact_id,
    assignee_id as owner_id,
    group_id,
    {{ utc('created_time') }} as created_at,
    {{ utc('updated_time') }} as updated_at
from {{ source('engagebay', 'tickets') }}
where {{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
