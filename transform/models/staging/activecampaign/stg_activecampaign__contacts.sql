-- ActiveCampaign contacts with their typed custom fields (cf_*). The company is the contact's
-- first account association (account_contacts, lowest id); contacts have no owner and no single
-- score in the API (scoreValues is a list), so both are null.
{%- if crm_source_present('activecampaign', ['contacts']) %}
{%- set raw = source('activecampaign', 'contacts') %}
{%- set has_links = crm_source_present('activecampaign', ['account_contacts']) %}
{%- if has_links %}
with first_account as (
    select contact, account
    from (
        select
            contact,
            account,
            row_number() over (partition by contact order by id) as n
        from {{ source('activecampaign', 'account_contacts') }}
        where {{ not_deleted() }}
    ) as links
    where n = 1
)

{%- endif %}
select
    contacts.id as contact_id,
    nullif(contacts."firstName", '') as first_name,
    nullif(contacts."lastName", '') as last_name,
    nullif(trim(concat(coalesce(contacts."firstName", ''), ' ', coalesce(contacts."lastName", ''))), '') as full_name,
    nullif(contacts.email, '') as email,
    nullif(contacts.phone, '') as phone,
    {% if has_links %}first_account.account{% else %}cast(null as {{ dbt.type_bigint() }}){% endif %} as company_id,
    cast(null as {{ dbt.type_string() }}) as owner_id,
    cast(null as {{ dbt.type_bigint() }}) as score,
    {{ utc('contacts.cdate') }} as created_at,
    {{ utc('contacts.udate') }} as updated_at
    {{- select_columns(columns_starting_with(raw, ['cf_']), 'contacts') }}
from {{ raw }} as contacts
{%- if has_links %}
left join first_account on first_account.contact = contacts.id
{%- endif %}
where contacts.{{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
