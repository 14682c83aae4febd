-- Activities of every source present, one row each: kind note, call, task, event or
-- ticket_message, with the contact, deal or ticket it belongs to and its owner
-- (activity_key = '<source>:<kind>:<id>').
with activities as (
{{ crm_union('activities') }}
)

select * from activities
