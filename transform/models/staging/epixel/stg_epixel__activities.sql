-- Epixel appointments as activities of kind event, on the lead (contact) their slug names. The
-- API writes appointment_date as 'yyyy-mm-dd HH:MM' with no time zone: occurred_at is that
-- wall-clock time as written (the account's local time, not converted to UTC); a date that
-- cannot be read is null. status is appointment_status.
{%- if crm_source_present('epixel', ['appointments']) %}
select
    cast(id as {{ dbt.type_string() }}) as activity_id,
    'event' as kind,
    'appointment' as activity_type,
    cast(null as {{ dbt.type_string() }}) as subject,
    appointment_note as body,
    nullif(slug, '') as contact_id,
    cast(null as {{ dbt.type_string() }}) as deal_id,
    cast(null as {{ dbt.type_string() }}) as ticket_id,
    cast(null as {{ dbt.type_string() }}) as owner_id,
    {{ text_timestamp('appointment_date') }} as occurred_at,
    {{ text_timestamp('appointment_to') }} as ends_at,
    cast(null as {{ dbt.type_timestamp() }}) as due_at,
    appointment_status as status,
    cast(null as boolean) as is_completed,
    appointment_date,
    appointment_to
from {{ source('epixel', 'appointments') }}
where {{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
