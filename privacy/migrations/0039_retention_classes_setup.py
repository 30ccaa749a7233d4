"""Default retention rules of the classes issue 16 added (configuration: docs/retention.md names each source), and
the one way a disposal record leaves the database: ``mctv_disposal_record_delete``, owned by the purge role like
``mctv_retention_delete`` (0024). The disposal runs' and items' triggers refuse every DELETE but one made as that
role; the function deletes only finished runs that are pending items of a running disposal run of the class
``disposal_record`` — never the run itself.
"""

from django.db import migrations

from mctv.db_roles import PURGE_ROLE

# (class, years, auto-approve, basis); every one deletes — see docs/retention.md.
RULES = [
    ("subscriber_history", 5, False,
     "加入者の住所・電話番号・氏名等の旧い値は、置き換えられた年度の翌年度から5年（解約した加入者の記録と同じ期間）。"
     "現在の値は加入者の記録そのものに残る。"),
    ("work_order", 3, False,
     "完了・取消した工事と作業票の記録は、完了の翌年度から3年（提供記録と同じ期間。提供記録が残る間は残る）。"),
    ("exceptional_provision", 5, False,
     "例外的な提供（警察等からの照会、承認・不承認）の記録は、決定の翌年度から5年（請求の記録と同じ期間。"
     "その提供記録が残る間は残る）。"),
    ("provision_stop", 5, False,
     "解除した提供停止は、解除の翌年度から5年。停止を決めた請求の記録が残る間は残る。"),
    ("legal_hold", 3, False, "終了した保存の指定は、終了の翌年度から3年。"),
    ("disposal_record", 10, False,
     "廃棄記録（加入者番号と件数のみ）は、廃棄の翌年度から10年（文書保存規程の10年保存文書に準じた既定値）。"),
    ("training", 5, False, "研修の記録は、実施の翌年度から5年（年度報告と監査に必要な期間）。"),
    ("self_inspection", 5, False, "自己点検の記録は、完了（是正の完了を含む）の翌年度から5年。"),
    ("audit_finding", 5, False, "監査の指摘と回答は、回答の翌年度から5年。"),
    ("access_review", 3, False, "職員のアクセス点検の記録は、終結の翌年度から3年。"),
    ("admin_log", 1, True, "管理画面の変更履歴は、翌年度から1年（アクセス記録と同じ期間）。"),
    ("login_record", 1, True, "ログインの記録（成功・失敗）は、翌年度から1年（アクセス記録と同じ期間）。"),
    ("deadline_digest", 1, True, "期限の通知の送信記録は、翌年度から1年。"),
]

FUNCTION = "public.mctv_disposal_record_delete(bigint, bigint[])"

FORWARD_SQL = f"""
CREATE OR REPLACE FUNCTION public.mctv_disposal_record_delete(p_run bigint, p_ids bigint[]) RETURNS bigint[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_years integer;
    v_today date := (now() AT TIME ZONE 'Asia/Tokyo')::date;
    v_before timestamptz;
    v_items bigint;
    v_history bigint;
    v_runs bigint;
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM public.privacy_disposalrun r
        WHERE r.id = p_run AND r.status = 'running' AND r.record_class = 'disposal_record'
    ) OR p_run = ANY(p_ids) THEN
        RAISE EXCEPTION 'disposal record delete refused: run % is not a disposal of disposal records under way', p_run
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT years INTO v_years FROM public.privacy_retentionrule WHERE record_class = 'disposal_record';
    IF coalesce(v_years, 0) = 0 THEN
        RAISE EXCEPTION 'disposal record delete refused: disposal records are kept permanently'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Records closed before 1 April of (this fiscal year - years), Tokyo time, are past their period.
    v_before := make_timestamptz(
        (extract(year FROM v_today - interval '3 months'))::integer - v_years, 4, 1, 0, 0, 0, 'Asia/Tokyo'
    );
    IF EXISTS (
        SELECT 1 FROM unnest(p_ids) AS wanted(id)
        WHERE NOT EXISTS (
            SELECT 1 FROM public.privacy_disposalitem i
            WHERE i.run_id = p_run AND i.object_id = wanted.id AND i.outcome = 'pending'
        )
    ) OR EXISTS (
        -- Finished, and past the class's period as the rule says today (the fiscal-year count of
        -- privacy/fiscal_years.py): a run the caller wrote itself cannot reach a younger record.
        SELECT 1 FROM public.privacy_disposalrun r WHERE r.id = ANY(p_ids) AND NOT (
            (r.status = 'done' AND r.finished_at < v_before) OR (r.status = 'rejected' AND r.approved_at < v_before)
        )
    ) THEN
        RAISE EXCEPTION 'disposal record delete refused: not every run is a finished, pending item of run %', p_run
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM public.privacy_disposalitem WHERE run_id = ANY(p_ids);
    GET DIAGNOSTICS v_items = ROW_COUNT;
    DELETE FROM public.privacy_historicaldisposalrun WHERE id = ANY(p_ids);
    GET DIAGNOSTICS v_history = ROW_COUNT;
    DELETE FROM public.privacy_disposalrun WHERE id = ANY(p_ids);
    GET DIAGNOSTICS v_runs = ROW_COUNT;
    RETURN ARRAY[v_items, v_history, v_runs];
END
$$;
GRANT CREATE ON SCHEMA public TO {PURGE_ROLE};
ALTER FUNCTION {FUNCTION} OWNER TO {PURGE_ROLE};
REVOKE CREATE ON SCHEMA public FROM {PURGE_ROLE};
REVOKE ALL ON FUNCTION {FUNCTION} FROM PUBLIC;
GRANT SELECT ON privacy_historicaldisposalrun, privacy_retentionrule TO {PURGE_ROLE};
GRANT DELETE ON privacy_disposalrun, privacy_disposalitem, privacy_historicaldisposalrun TO {PURGE_ROLE};

CREATE OR REPLACE FUNCTION mctv_keep_finished_disposal_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status NOT IN ('done', 'rejected') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND current_user = '{PURGE_ROLE}' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% on % refused: a disposal run goes only with the disposal records, kept as it is once finished',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE FUNCTION mctv_record_disposal_outcome_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.outcome = 'pending' AND NEW.outcome <> 'pending'
        AND (NEW.id, NEW.run_id, NEW.object_id, NEW.subscriber_number)
            = (OLD.id, OLD.run_id, OLD.object_id, OLD.subscriber_number) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND current_user = '{PURGE_ROLE}' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% on % refused: a disposal item records its outcome once and goes only with its run',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

BACKWARD_SQL = f"""
DROP FUNCTION IF EXISTS {FUNCTION};
CREATE OR REPLACE FUNCTION mctv_keep_finished_disposal_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status NOT IN ('done', 'rejected') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on % refused: a disposal run is never deleted, and kept as it is once finished',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE OR REPLACE FUNCTION mctv_record_disposal_outcome_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.outcome = 'pending' AND NEW.outcome <> 'pending'
        AND (NEW.id, NEW.run_id, NEW.object_id, NEW.subscriber_number)
            = (OLD.id, OLD.run_id, OLD.object_id, OLD.subscriber_number) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on % refused: a disposal item records its outcome once and is never deleted',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def rules_forward(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for record_class, years, auto_approve, basis in RULES:
        RetentionRule.objects.get_or_create(
            record_class=record_class,
            defaults={"years": years, "action": "delete", "auto_approve": auto_approve, "basis": basis},
        )


def rules_backward(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    RetentionRule.objects.filter(record_class__in=[rule[0] for rule in RULES]).delete()


def sql_forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD_SQL, params=None)


def sql_backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0038_retention_classes")]

    operations = [
        migrations.RunPython(rules_forward, rules_backward),
        migrations.RunPython(sql_forward, sql_backward),
    ]
