-- EngageBay users: the owners of contacts, companies, deals and tasks.
{%- if crm_source_present('engagebay', ['owners']) %}
select
    id as owner_id,
    name as owner_name,
    email as owner_email,
    is_admin,
    role as owner_role,
    {{ utc('created_time') }} as created_at
from {{ source('engagebay', 'owners') }}
where {{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
