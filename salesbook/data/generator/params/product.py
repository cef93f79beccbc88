"""Продукт и поддержка: использование, NPS, обращения в поддержку, CSAT."""

# --- Продукт и поддержка ----------------------------------------------------
LOGINS_PER_ACTIVE_USER = 16
NPS_SURVEY_RESPONSE_RATE = 0.45    # опрос раз в квартал
TICKETS_PER_SEAT_POWER = 0.45      # обращений в месяц ∝ мест^0.45
TICKETS_BASE = 0.25
TICKET_PRIORITY_MIX = (0.25, 0.50, 0.18, 0.07)
TICKET_CATEGORY_MIX = (0.30, 0.35, 0.15, 0.07, 0.13)
RESOLUTION_MEDIAN_HOURS = {"low": 40, "normal": 22, "high": 10, "critical": 3}
CSAT_RESPONSE_RATE = 0.45
