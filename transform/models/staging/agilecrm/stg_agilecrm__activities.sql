-- Agile CRM activities, one row each: notes (a note read both under a contact and under a deal
-- is one note, on both), tasks (the first of their contacts; status YET_TO_START, IN_PROGRESS,
-- COMPLETED), calendar events (the first of their contacts) and ticket messages (on their
-- ticket and its contact). Agile CRM's API has no call log: a call is a task of type CALL.
-- Documents are not activities. A stream that was not loaded contributes nothing.
{%- set string = dbt.type_string() %}
{%- set stamp = dbt.type_timestamp() %}
{%- set has_notes = crm_source_present('agilecrm', ['notes']) %}
{%- set has_deal_notes = crm_source_present('agilecrm', ['deal_notes']) %}
{%- set has_tickets = crm_source_present('agilecrm', ['tickets']) %}
{%- set parts = [] %}
{%- if has_notes or has_deal_notes %}{% do parts.append('notes') %}{% endif %}
{%- for table in ['tasks', 'events', 'ticket_messages'] %}
  {%- if crm_source_present('agilecrm', [table]) %}{% do parts.append(table) %}{% endif %}
{%- endfor %}
{%- for part in parts %}
{%- if not loop.first %}
union all
{%- endif %}
{%- if part == 'notes' %}
select
    cast(coalesce({% if has_notes %}notes.id{% else %}null{% endif %}, {% if has_deal_notes %}deal_notes.id{% else %}null{% endif %}) as {{ string }}) as activity_id,
    'note' as kind,
    cast(null as {{ string }}) as activity_type,
    coalesce({% if has_notes %}notes.subject{% else %}null{% endif %}, {% if has_deal_notes %}deal_notes.subject{% else %}null{% endif %}) as subject,
    coalesce({% if has_notes %}notes.description{% else %}null{% endif %}, {% if has_deal_notes %}deal_notes.description{% else %}null{% endif %}) as body,
    {% if has_notes %}cast(notes.contact_id as {{ string }}){% else %}{{ json_text_at('deal_notes.contact_ids', 0) }}{% endif %} as contact_id,
    {% if has_deal_notes %}cast(deal_notes.deal_id as {{ string }}){% else %}cast(null as {{ string }}){% endif %} as deal_id,
    cast(null as {{ string }}) as ticket_id,
    cast(null as {{ string }}) as owner_id,
    {{ utc('coalesce(' ~ ('notes.created_time' if has_notes else 'null') ~ ', ' ~ ('deal_notes.created_time' if has_deal_notes else 'null') ~ ')') }} as occurred_at,
    cast(null as {{ stamp }}) as due_at,
    cast(null as {{ string }}) as status,
    cast(null as boolean) as is_completed
{%- if has_notes and has_deal_notes %}
from (select * from {{ source('agilecrm', 'notes') }} where {{ not_deleted() }}) as notes
full outer join (select * from {{ source('agilecrm', 'deal_notes') }} where {{ not_deleted() }}) as deal_notes
    on deal_notes.id = notes.id
{%- elif has_notes %}
from {{ source('agilecrm', 'notes') }} as notes
where notes.{{ not_deleted() }}
{%- else %}
from {{ source('agilecrm', 'deal_notes') }} as deal_notes
where deal_notes.{{ not_deleted() }}
{%- endif %}
{%- elif part == 'tasks' %}
select
    cast(id as {{ string }}) as activity_id,
    'task' as kind,
    type as activity_type,
    subject,
    cast(null as {{ string }}) as body,
    {{ json_text('(contacts -> 0)', 'id') }} as contact_id,
    cast(null as {{ string }}) as deal_id,
    cast(null as {{ string }}) as ticket_id,
    coalesce(cast(owner_id as {{ string }}), {{ json_text('"taskOwner"', 'id') }}) as owner_id,
    {{ utc('created_time') }} as occurred_at,
    {{ utc('due') }} as due_at,
    status,
    coalesce(is_complete, status = 'COMPLETED') as is_completed
from {{ source('agilecrm', 'tasks') }}
where {{ not_deleted() }}
{%- elif part == 'events' %}
select
    cast(id as {{ string }}) as activity_id,
    'event' as kind,
    cast(null as {{ string }}) as activity_type,
    title as subject,
    cast(null as {{ string }}) as body,
    {{ json_text('(contacts -> 0)', 'id') }} as contact_id,
    cast(null as {{ string }}) as deal_id,
    cast(null as {{ string }}) as ticket_id,
    {{ json_text('owner', 'id') }} as owner_id,
    {{ utc('start') }} as occurred_at,
    cast(null as {{ stamp }}) as due_at,
    cast(null as {{ string }}) as status,
    cast(null as boolean) as is_completed
from {{ source('agilecrm', 'events') }}
where {{ not_deleted() }}
{%- elif part == 'ticket_messages' %}
select
    cast(messages.id as {{ string }}) as activity_id,
    'ticket_message' as kind,
    messages.note_type as activity_type,
    cast(null as {{ string }}) as subject,
    messages.plain_text as body,
    {% if has_tickets %}cast(nullif(tickets."contactID", 0) as {{ string }}){% else %}cast(null as {{ string }}){% endif %} as contact_id,
    cast(null as {{ string }}) as deal_id,
    cast(messages.ticket_id as {{ string }}) as ticket_id,
    cast(messages.assignee_id as {{ string }}) as owner_id,
    {{ utc('messages.created_time') }} as occurred_at,
    cast(null as {{ stamp }}) as due_at,
    cast(null as {{ string }}) as status,
    cast(null as boolean) as is_completed
from {{ source('agilecrm', 'ticket_messages') }} as messages
{%- if has_tickets %}
left join {{ source('agilecrm', 'tickets') }} as tickets on tickets.id = messages.ticket_id
{%- endif %}
where messages.{{ not_deleted() }}
{%- endif %}
{%- else %}
{{ crm_absent_source() }}
{%- endfor %}
