-- ActiveCampaign users (owners of accounts and deals, assignees of tasks). The API says nothing
-- of admin rights in a user: is_admin is null.
{%- if crm_source_present('activecampaign', ['users']) %}
select
    id as owner_id,
    nullif(trim(concat(coalesce("firstName", ''), ' ', coalesce("lastName", ''))), '') as owner_name,
    nullif(email, '') as owner_email,
    cast(null as boolean) as is_admin,
    username
from {{ source('activecampaign', 'users') }}
where {{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
