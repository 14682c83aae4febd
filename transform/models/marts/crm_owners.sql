-- The users who own records, of every source present (owner_key = '<source>:<owner id>').
with owners as (
{{ crm_union('owners') }}
)

select * from owners
