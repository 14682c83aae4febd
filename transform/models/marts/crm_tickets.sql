-- Helpdesk tickets of every source present: status, priority and type as each source names
-- them (EngageBay: integer codes as text).
with tickets as (
{{ crm_union('tickets') }}
)

select * from tickets
