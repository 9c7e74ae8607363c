"""The straw-to-meat (秸秆变肉) subsidy: the programme and its schemes as dated data, the
rate table, the surveyed units, applications (申报书) with their items and photos, the
field inspection, the signed decision, the disclosure and its objections, payment batches
with their lines and fund ledger, the county's review requests and samples (抽查), and
the programme's yearly figures.

Statuses change only in ``transitions.py``; the rules that read these rows are pure
functions in ``rules.py``. Every number the sources did not confirm (rates, minimums, caps,
the disclosure period, distances) is a row or a field here, marked ``placeholder``: staff
see "示例参数，待确认", never a constant in the code.
"""

from .applications import (  # noqa: F401
    Application,
    Channel,
    Claim,
    ClaimKind,
    DocumentKind,
    Finding,
    Item,
    Objection,
    Photo,
    PhotoStage,
    ReviewRequest,
    Status,
)
from .payments import (  # noqa: F401
    LedgerEntry,
    PaymentBatch,
    PaymentLine,
)
from .programme import (  # noqa: F401
    COORD,
    METRE,
    MONEY,
    QTY,
    ApplicantType,
    FeedMethod,
    IdKind,
    ItemType,
    Metric,
    PitMaterial,
    Programme,
    ProgrammeTarget,
    ProgressFigure,
    Rate,
    RateUnit,
    Scheme,
)
from .returns import (  # noqa: F401
    PaymentReturn,
    RepaymentLine,
    ReturnImport,
    ReturnLedgerEntry,
)
from .supervision import (  # noqa: F401
    SampledApplication,
    SampleDraw,
    SampleFinding,
)
from .units import (  # noqa: F401
    Survey,
    SurveyStatus,
    Unit,
)
