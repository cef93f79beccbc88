"""Клиенты B2B: помесячный MRR, отток, «здоровье», расширения и сокращения."""

# --- Клиенты: MRR, отток, расширение ----------------------------------------
# Базовый месячный лого-отток по сегменту
CHURN_BASE_MONTHLY = {"smb": 0.033, "mid_market": 0.013, "enterprise": 0.005}
CHURN_EARLY_MULT = 1.5             # месяцы 2–4 жизни клиента: онбординг
CHURN_RENEWAL_MULT = 3.5           # месяц продления годового договора (13-й, 25-й)
CHURN_OTHER_MULT = 0.8
HEALTH_AR = 0.85                   # «здоровье» клиента — AR(1)-процесс
HEALTH_NOISE = 0.5
HEALTH_CHURN_COEF = 0.8            # отток ∝ exp(−0.8·здоровье)
EXPANSION_MONTHLY_PROB = {"smb": 0.025, "mid_market": 0.035, "enterprise": 0.05}
EXPANSION_SEATS_SHARE = (0.08, 0.35)
CONTRACTION_MONTHLY_PROB = {"smb": 0.014, "mid_market": 0.012, "enterprise": 0.010}
CONTRACTION_SEATS_SHARE = (0.08, 0.25)
RENEWAL_INDEXATION = 0.07          # индексация цены при продлении
RENEWAL_INDEXATION_PROB = 0.6
