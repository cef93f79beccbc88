"""Шаги генерации в порядке выполнения.

Порядок важен: общие потоки случайных чисел (``names`` — сотрудники, затем компании;
``costs`` — расходы на продажи и маркетинг, затем себестоимость) продолжают
последовательность от шага к шагу, а исследование клиентов читает готовые таблицы.
"""

from salesbook.data.generator.steps import (
                                            abm,
                                            accounts,
                                            activities,
                                            b2c,
                                            costs,
                                            customers,
                                            deals,
                                            experiments,
                                            inbound,
                                            leads,
                                            mailboxes,
                                            marketing,
                                            partners,
                                            payplans,
                                            people,
                                            product,
                                            sequences,
                                            social,
                                            survey,
                                            touches,
)

STEPS = (
    people.make_reps,
    marketing.make_marketing_spend,
    leads.make_lead_skeleton,
    sequences.simulate_sequences,
    deals.make_opportunities,
    accounts.assign_accounts,
    deals.make_deal_and_lead_tables,
    people.make_quotas,
    customers.simulate_customers,
    product.make_usage_and_tickets,
    accounts.make_accounts_table,
    activities.make_activities_table,
    activities.make_rep_daily_activity,
    experiments.make_email_experiments,
    b2c.make_b2c,
    costs.make_sm_costs,
    costs.make_cogs,
    survey.make_survey_responses,
    partners.make_partner_tables,
    touches.make_touches,
    social.make_social_posts,
    mailboxes.make_mailboxes,
    inbound.make_inbound,
    abm.make_abm_tables,
    payplans.make_pay_tables,
)
