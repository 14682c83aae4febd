-- Helpdesk tickets. status, priority and type are the API's integer codes (their labels are
-- configured per account in EngageBay and not exposed by the API the tap reads).
select
    id as ticket_id,
    subject,
    cast(status as integer) as status_code,
    cast(priority as integer) as priority_code,
    cast(type as integer) as type_code,
    source,
    subscriber_id as contact_id,
    assignee_id,
    group_id,
    {{ utc('created_time') }} as created_at,
    {{ utc('updated_time') }} as updated_at
from {{ source('engagebay', 'tickets') }}
where {{ not_deleted() }}
