-- EngageBay users: the owners of contacts, deals and tasks.
select
    id as owner_id,
    name as owner_name,
    email as owner_email,
    role as owner_role,
    is_admin,
    {{ utc('created_time') }} as created_at
from {{ source('engagebay', 'owners') }}
where {{ not_deleted() }}
