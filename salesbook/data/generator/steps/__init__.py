"""Шаги генерации в порядке выполнения.

Порядок важен: общие потоки случайных чисел (``names`` — сотрудники, затем компании;
``costs`` — расходы на продажи и маркетинг, затем себестоимость; ``trial`` — лиды, затем
цепочки SDR) продолжают последовательность от шага к шагу. Шаг со своим потоком можно
переставить куда угодно после тех, чьё он читает, — и после шагов, которые правят готовое на
месте, если он это читает:

* «планы AE» дописывает в ``tables.reps`` столбец ``annual_quota_rub``;
* «MRR клиентов» переадресует лиды допродаж: правит ``tables.leads``, ``tables.opportunities``
  и ``accounts.of_lead``.

Файлы от перестановки не меняются (это проверяют эталонные SHA-256), а таблица, прочитанная
последним читателем, раньше пишется и освобождается. Поэтому читатели больших таблиц и массивов
стоят сразу за ними, а касания — последними, когда в памяти осталось меньше всего.
"""

from salesbook.data.generator.steps import (
                                            abm,
                                            accounts,
                                            activities,
                                            advocacy,
                                            b2c,
                                            bots,
                                            calls,
                                            candidates,
                                            careers,
                                            costs,
                                            crm,
                                            customers,
                                            deals,
                                            emails,
                                            enablement,
                                            expansion,
                                            experiments,
                                            genai,
                                            handoffs,
                                            health,
                                            inbound,
                                            leads,
                                            mailboxes,
                                            marketing,
                                            onboarding,
                                            partners,
                                            payplans,
                                            people,
                                            product,
                                            sequences,
                                            social,
                                            survey,
                                            touches,
                                            trainings,
)

STEPS = (
    people.make_reps,
    marketing.make_marketing_spend,
    b2c.make_b2c,                     # B2C ни от чего, кроме бюджета, не зависит: строится, пока память пуста
    leads.make_lead_skeleton,
    experiments.make_email_experiments,
    sequences.simulate_sequences,
    deals.make_opportunities,
    # активности — сразу, как готовы касания SDR и сделок: их массивы освобождаются до таблиц
    # сделок, лидов и клиентов; читатели активностей — тоже как можно раньше
    activities.make_activities_table,
    activities.make_rep_daily_activity,
    mailboxes.make_mailboxes,
    accounts.assign_accounts,
    deals.make_deal_and_lead_tables,
    people.make_quotas,
    customers.simulate_customers,     # переадресует лиды допродаж: правит tables.leads и tables.opportunities
    calls.make_calls,                 # читает opportunities — после этой правки
    emails.make_outreach_emails,
    product.make_usage_and_tickets,
    accounts.make_accounts_table,
    costs.make_sm_costs,
    costs.make_cogs,
    # всё, что читает помесячную историю клиентов, — подряд: после этого она освобождается
    payplans.make_pay_tables,
    handoffs.make_handoffs,
    onboarding.make_onboarding_milestones,
    health.make_invoices,
    health.make_save_plays,
    expansion.make_account_products,
    advocacy.make_references,
    survey.make_survey_responses,
    partners.make_partner_tables,
    abm.make_abm_tables,
    enablement.make_content,
    bots.make_chats,
    bots.make_voicebot_calls,
    candidates.make_candidates,
    trainings.make_trainings,
    crm.make_crm_records,
    careers.make_career_events,
    genai.make_genai_outputs,
    social.make_social_posts,
    inbound.make_inbound,
    # касания — последними: к их шагу (самому тяжёлому по памяти) из больших таблиц остаются только
    # те, что читают касания и рекомендации
    touches.make_touches,
    advocacy.make_referrals,
)
