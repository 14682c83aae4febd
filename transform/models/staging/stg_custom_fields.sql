-- Custom field definitions per entity (CONTACT, DEAL, COMPANY, TICKET).
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
