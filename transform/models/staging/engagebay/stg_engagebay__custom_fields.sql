-- EngageBay's custom field definitions per entity (CONTACT, DEAL, COMPANY, TICKET): the cf_*
-- columns of the staging models, with their labels and types.
{%- if crm_source_present('engagebay', ['custom_fields']) %}
select
    id as custom_field_id,
    scope,
    field_name,
    field_label,
    field_type,
    coalesce(is_required, false) as is_required,
    position
from {{ source('engagebay', 'custom_fields') }}
where {{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
