"""Demo content for a fresh install: original Japanese sample articles covering every part
of the article page (sources, summary, figures with credits, eyecatch credit, notice, tags).

All text here was written for Kiji; it describes no real event. Images are drawn with Pillow.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from PIL import Image as PILImage
from PIL import ImageDraw

from blog.models import Article, Category, Source
from media.models import Image
from media.services import add_image

# (slug, name, parent slug, order)
CATEGORIES = [
    ("countries", "国別", None, 1),
    ("russia", "ロシア関連", "countries", 1),
    ("china", "中国関連", "countries", 2),
    ("usa", "米国関連", "countries", 3),
    ("japan", "日本関連", "countries", 4),
    ("weapons", "兵器", None, 2),
    ("aircraft", "航空機", "weapons", 1),
    ("ships", "艦艇", "weapons", 2),
    ("ground", "陸上装備", "weapons", 3),
    ("world", "国際情勢", None, 3),
]


@dataclass
class DemoArticle:
    category: str
    title: str
    lead: str
    summary: str
    paragraphs: list[str]
    tags: list[str]
    sources: list[tuple[str, str]]
    figure_caption: str = "出典: Kiji編集部(デモ画像)"
    eyecatch_credit: str = "Kiji編集部(デモ画像)"
    notice: str = ""
    heading: str = "背景と今後の見通し"
    extra: dict = field(default_factory=dict)


ARTICLES = [
    DemoArticle(
        "russia",
        "北方の造船所で新型フリゲートが進水、艦隊更新の遅れを取り戻せるか",
        "北方の造船所で新型フリゲートの進水式が行われた。計画から数年遅れての進水で、艦隊の更新ペースが改めて問われている。",
        "進水は一歩前進だが、就役までの試験期間と後続艦の建造速度が本当の焦点になる。",
        [
            "今回進水したのは、汎用の垂直発射装置を備えた中型のフリゲートである。同型艦は複数隻が計画されているが、エンジンや電子機器の調達がたびたび滞り、建造は計画より大きく遅れてきた。",
            "艦隊の主力を担ってきた旧式の駆逐艦は老朽化が進んでおり、稼働できる艦の数は年々減っている。新型艦の就役が遅れれば、その穴は小型艦や潜水艦で埋めるしかない。",
            "一方で、造船所側は生産ラインの整備が進んだとして、後続艦の工期短縮を強調している。ただし、過去にも同様の説明が繰り返されてきた経緯があり、数字をそのまま受け取るのは難しい。",
        ],
        ["フリゲート", "造船", "海軍"],
        [("北方の造船所で新型フリゲート進水(デモ記事)", "https://news.example.com/frigate-launch")],
        notice="当サイトのコメント欄は誰でも匿名で投稿できます。投稿の前にコメントのルールをご確認ください。",
    ),
    DemoArticle(
        "china",
        "新型の長距離無人機、航続時間40時間超を主張 実用性をどう見るか",
        "航空ショーで公開された長距離無人機について、開発側は40時間を超える航続時間を主張している。",
        "カタログ上の数字より、衛星通信と整備体制が運用の実態を決める。",
        [
            "公開された機体は細長い主翼を持つ高高度長時間滞空型で、機首には大型の衛星通信アンテナを収めるふくらみがある。搭載量は偵察用のセンサーに加え、軽量の誘導兵器も想定しているという。",
            "長時間の滞空は洋上監視で大きな意味を持つ。広い海域を少ない機数で見張れるからだ。ただ、滞空時間は搭載量や高度で大きく変わるため、条件の示されない数字は比較が難しい。",
            "運用の鍵は、遠距離での通信をどこまで安定して確保できるかにある。妨害を受けた場合の自律飛行能力についても、今後の情報が待たれる。",
        ],
        ["無人機", "偵察", "航空ショー"],
        [
            ("航空ショーで長距離無人機を初公開(デモ記事)", "https://news.example.com/uav-airshow"),
            (
                "無人機の滞空時間を比べるときの注意点(デモ記事)",
                "https://analysis.example.org/uav-endurance",
            ),
        ],
    ),
    DemoArticle(
        "usa",
        "次期空中給油機の要求仕様を見直し、生存性重視へ",
        "空軍は次期空中給油機の要求仕様を見直し、敵の脅威圏に近づいても生き残れる設計を重視する方針を示した。",
        "大量の燃料を運ぶ能力と、狙われにくさをどう両立させるかが問われる。",
        [
            "従来の給油機は旅客機を改造した大型機が中心で、安全な後方空域で給油することを前提にしてきた。しかし長射程のミサイルが普及したことで、後方であっても安全とは言い切れなくなっている。",
            "見直し案では、レーダーに映りにくい形状や自己防御装置の搭載が検討されている。その分、機体価格は上がり、調達できる機数は減る可能性が高い。",
            "給油機は戦闘機の行動半径を直接左右する。数を取るか質を取るかという議論は、今後の予算審議でも焦点になりそうだ。",
        ],
        ["空中給油機", "調達", "空軍"],
        [
            (
                "次期給油機、要求仕様を再検討へ(デモ記事)",
                "https://news.example.com/tanker-requirements",
            )
        ],
    ),
    DemoArticle(
        "aircraft",
        "第6世代戦闘機の開発計画、各国の進み具合を整理する",
        "複数の国が第6世代と呼ばれる次世代戦闘機の開発を進めている。公開情報をもとに、各計画の段階を整理した。",
        "どの計画も「機体単体」ではなく、無人機やネットワークを含む「システム」として語られている。",
        [
            "第6世代の定義は各国で異なるが、共通するのは有人機が無人機を従えて戦う構想と、膨大なセンサー情報を統合する能力である。機体そのものの性能以上に、ソフトウェアの更新のしやすさが重視されている。",
            "共同開発の枠組みを取る計画では、作業分担や技術移転の調整に時間がかかりやすい。一方、単独開発の計画は意思決定が速い反面、費用をすべて自国で負担することになる。",
            "実機の初飛行が公表されている計画はまだ少ない。今後数年は、試作機の飛行と予算の確保が各計画の行方を占う材料になるだろう。",
        ],
        ["戦闘機", "共同開発", "無人機"],
        [("次世代戦闘機、開発の現状(デモ記事)", "https://news.example.com/6th-gen-fighters")],
        heading="計画ごとの違い",
    ),
    DemoArticle(
        "ships",
        "沿岸防衛に小型水上艦は必要か、無人艇の台頭で揺れる議論",
        "安価な無人艇が沿岸の戦いで存在感を増すなか、小型水上艦の役割を見直す議論が各国で起きている。",
        "無人艇は有人艦を置き換えるのではなく、役割分担を変えつつある。",
        [
            "小型の水上艦は沿岸の警備や機雷対処で長く重宝されてきた。しかし、爆薬を積んだ無人艇や小型のミサイルに対して、防御手段の限られた小型艦は脆弱だと指摘されている。",
            "一方で、無人艇だけでは長期間の警戒や臨検はこなせない。人が乗る艦でなければできない任務は今も多く、完全な置き換えは現実的ではない。",
            "各国の海軍は、有人艦を母艦として無人艇を展開する運用を試している。小型艦の価値は、無人艇をどれだけ載せて運べるかで測られるようになるかもしれない。",
        ],
        ["無人艇", "沿岸防衛", "海軍"],
        [("無人艇と沿岸防衛の新しい関係(デモ記事)", "https://analysis.example.org/usv-coastal")],
    ),
    DemoArticle(
        "ground",
        "自走砲の装輪化が進む理由 機動力と整備性を比べる",
        "履帯式が主流だった自走砲で、トラックの車台に砲を載せた装輪式の採用が広がっている。",
        "撃ったらすぐ移動する戦い方が、装輪式の利点を際立たせている。",
        [
            "装輪式の自走砲は舗装路を高速で移動でき、燃料消費や整備の手間も履帯式より少ない。射撃後すぐに陣地を変える運用では、この機動力が生存性に直結する。",
            "反面、不整地での走破性や装甲防御では履帯式に劣る。ぬかるんだ地形の多い地域では、装輪式が思うように動けない場面も想定される。",
            "結局のところ、どちらが優れているかは戦場の地形と運用構想次第である。両方を組み合わせて配備する国が多いのはそのためだ。",
        ],
        ["自走砲", "陸軍", "火砲"],
        [("装輪自走砲の採用国が増加(デモ記事)", "https://news.example.com/wheeled-howitzers")],
    ),
    DemoArticle(
        "world",
        "欧州の防衛予算増額、その内訳を読む",
        "欧州各国が防衛予算の増額を相次いで発表している。総額の伸びだけでなく、何に使われるのかを見ていく。",
        "増額分の多くは弾薬の備蓄と防空に向かっている。",
        [
            "近年の予算増額で目立つのは、砲弾やミサイルの備蓄を積み増す費用である。長期間の戦闘では弾薬の消費量が想定を大きく上回ることが明らかになり、各国が生産能力の拡大を急いでいる。",
            "防空システムへの投資も増えている。無人機や巡航ミサイルへの対処には多層的な防空網が必要で、その整備には長い時間がかかる。",
            "一方で、人員の確保は予算だけでは解決しない。装備を増やしても運用する人が足りなければ意味がなく、各国は待遇改善や予備役制度の見直しを進めている。",
        ],
        ["防衛予算", "欧州", "防空"],
        [
            ("欧州の防衛支出、過去最高を更新(デモ記事)", "https://news.example.com/europe-budgets"),
            ("弾薬生産の拡大に向けた課題(デモ記事)", "https://analysis.example.org/ammunition"),
        ],
    ),
    DemoArticle(
        "japan",
        "護衛艦の省人化設計、どこまで進むか",
        "人員不足が続くなか、少ない乗員で運用できる護衛艦の設計が進んでいる。",
        "省人化は自動化だけでなく、整備の考え方そのものを変える取り組みだ。",
        [
            "新しい護衛艦では、機関の監視や損傷時の対応を自動化することで、従来の半分程度の乗員での運用を目指している。艦橋と戦闘指揮所の機能を集約する設計も取り入れられた。",
            "乗員が少ないと、長期間の航海で一人ひとりの負担が重くなる。整備の多くを陸上の支援拠点に移し、航海中の作業を減らす工夫が欠かせない。",
            "省人化の成否は、艦そのものより支援体制の整備にかかっている。港での整備能力や交代要員の仕組みも合わせて見ていく必要がある。",
        ],
        ["護衛艦", "人員不足", "自動化"],
        [("少人数で動かす新型護衛艦(デモ記事)", "https://news.example.com/crew-reduction")],
    ),
    DemoArticle(
        "china",
        "極超音速兵器をめぐる認識の差、抑止にどう影響するか",
        "極超音速兵器の開発競争について、各国の評価や受け止め方には大きな差がある。",
        "速さそのものより、迎撃の難しさが政治的な意味を持ち始めている。",
        [
            "極超音速兵器は音速の5倍以上で飛び、飛行中に軌道を変えられる点が特徴とされる。従来の弾道ミサイルより予測しにくく、既存の迎撃システムでは対処が難しいと言われる。",
            "ただし、技術的な成熟度については見方が分かれている。試験の成功が報じられる一方で、実際にどの程度配備が進んでいるのかは公開情報からは読み取りにくい。",
            "抑止の観点では、相手がどう認識するかが重要になる。能力を過大にも過小にも見積もれば、誤算を招くおそれがある。",
        ],
        ["極超音速", "ミサイル防衛", "抑止"],
        [("極超音速兵器の試験、相次ぐ発表(デモ記事)", "https://news.example.com/hypersonic-tests")],
    ),
    DemoArticle(
        "russia",
        "Su-57の輸出交渉、伝えられる課題とは",
        "Su-57の輸出をめぐり、複数の国との交渉が報じられている。成約に向けた課題を整理する。",
        "生産数の少なさと、整備を支える体制が輸出の壁になっている。",
        [
            "輸出の話題はたびたび浮上してきたが、正式な契約にまで至った例は限られる。購入を検討する国にとっては、機体の性能だけでなく、部品の供給が途切れないかが大きな関心事だ。",
            "国際的な制裁の影響で、電子部品の調達が難しくなっているとの指摘もある。納期の見通しが立たなければ、購入国は代替機を検討せざるを得ない。",
            "それでも、価格や政治的な関係を重視する国にとっては一定の魅力がある。交渉の行方は、生産ラインの安定にかかっていると言えそうだ。",
        ],
        ["Su-57", "輸出", "戦闘機"],
        [("Su-57輸出交渉の現状(デモ記事)", "https://news.example.com/su57-export")],
    ),
    DemoArticle(
        "usa",
        "NATO共同演習、今年の注目点は兵站と通信",
        "今年のNATO共同演習は、大規模な部隊移動と通信の妨害下での指揮統制が中心テーマになった。",
        "見どころは戦闘場面より、部隊を素早く動かし続ける兵站にある。",
        [
            "演習では、大陸の反対側から部隊を短期間で移動させる訓練が行われた。鉄道や港湾の手続きを各国でそろえることが、想像以上に難しい課題として浮かび上がった。",
            "通信については、電波妨害を受けた状況での指揮統制が試された。複数の通信手段を切り替えながら命令を届ける手順が重点的に確認されたという。",
            "こうした地味な分野こそ、実際の有事で差がつくところである。演習の報告書が公開されれば、改善点がより具体的に見えてくるだろう。",
        ],
        ["NATO", "演習", "兵站"],
        [("NATO大規模演習が開始(デモ記事)", "https://news.example.com/nato-exercise")],
    ),
    DemoArticle(
        "aircraft",
        "無人ウイングマン構想の現在地",
        "有人戦闘機と編隊を組む無人機、いわゆる無人ウイングマンの開発が各国で進んでいる。",
        "鍵を握るのは機体の性能より、人と機械の役割分担の設計だ。",
        [
            "無人ウイングマンは、有人機の前方に出て偵察したり、囮になったりする役割が想定されている。有人機より安価に作ることで、失うことを前提にした運用も可能になる。",
            "課題は、パイロットの負担を増やさずに複数の無人機を指揮する方法である。細かな操縦を任せるのではなく、大まかな指示だけで無人機が自律的に動く仕組みが求められる。",
            "試作機の飛行試験は始まっているが、実戦配備までには規則づくりや訓練体系の整備も必要になる。技術と制度の両面で、今後の進展を見守りたい。",
        ],
        ["無人機", "戦闘機", "自律"],
        [("無人僚機の飛行試験が進展(デモ記事)", "https://news.example.com/loyal-wingman")],
        notice="次回は無人ウイングマンの運用構想について、読者の皆さんの質問にお答えする予定です。",
    ),
]

COLORS = [
    ("#1f3b57", "#6d8fb3"),
    ("#3b2f2f", "#a0826d"),
    ("#20402a", "#7fae8a"),
    ("#3a3350", "#9b8fc4"),
]


def demo_image_bytes(seed: int, width: int = 1280, height: int = 800) -> bytes:
    """A simple landscape drawn with Pillow: sky gradient, sea, and a ship-like silhouette."""
    rng = random.Random(seed)
    top, bottom = COLORS[seed % len(COLORS)]
    image = PILImage.new("RGB", (width, height), top)
    draw = ImageDraw.Draw(image)
    r1, g1, b1 = (int(top[i : i + 2], 16) for i in (1, 3, 5))
    r2, g2, b2 = (int(bottom[i : i + 2], 16) for i in (1, 3, 5))
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=(int(r1 + (r2 - r1) * t), int(g1 + (g2 - g1) * t), int(b1 + (b2 - b1) * t)),
        )
    horizon = int(height * rng.uniform(0.55, 0.7))
    draw.rectangle([0, horizon, width, height], fill="#1b2a38")
    x = rng.randint(width // 6, width // 2)
    hull_w = rng.randint(width // 4, width // 2)
    draw.polygon(
        [
            (x, horizon),
            (x + hull_w, horizon),
            (x + hull_w - 40, horizon + 40),
            (x + 30, horizon + 40),
        ],
        fill="#0d141b",
    )
    draw.rectangle([x + hull_w // 3, horizon - 70, x + hull_w // 2, horizon], fill="#0d141b")
    draw.rectangle(
        [x + hull_w // 2 - 10, horizon - 120, x + hull_w // 2, horizon - 70], fill="#0d141b"
    )
    draw.text((24, 24), "Kiji demo image", fill="#ffffff")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _make_image(seed: int, title: str, credit: str) -> Image:
    """A demo picture, into the library like any upload (renditions once the demo commits)."""
    return add_image(
        file=ContentFile(demo_image_bytes(seed), name=f"demo-{seed}.jpg"),
        title=title,
        credit=credit,
    )


def _body(demo: DemoArticle, figure: Image, previous: Article | None) -> str:
    first, *rest = demo.paragraphs
    parts = [f"<p>{first}</p>"]
    parts.append(
        format_html(
            '<figure><img src="{}" alt="{}" width="{}" height="{}">'
            "<figcaption>{}</figcaption></figure>",
            figure.url,
            figure.title,
            figure.width,
            figure.height,
            demo.figure_caption,
        )
    )
    parts.append(f"<h2>{demo.heading}</h2>")
    parts.extend(f"<p>{text}</p>" for text in rest)
    if previous is not None:
        parts.append(
            f'<p>関連記事: <a href="{previous.get_absolute_url()}">{previous.title}</a></p>'
        )
    return "".join(parts)


@transaction.atomic
def create_demo_content(*, now=None) -> list[Article]:
    """Create the demo categories and articles (plus one draft and one scheduled article)."""
    now = now or timezone.now()
    categories: dict[str, Category] = {}
    for slug, name, parent, order in CATEGORIES:
        categories[slug] = Category.objects.create(
            slug=slug,
            name=name,
            parent=categories.get(parent) if parent else None,
            order=order,
            description=f"{name}のニュースと解説。",
        )
    articles: list[Article] = []
    previous = None
    count = len(ARTICLES)
    for index, demo in enumerate(ARTICLES):
        eyecatch = _make_image(index * 2, demo.title[:40], demo.eyecatch_credit)
        figure = _make_image(
            index * 2 + 1, f"{demo.title[:30]}(図)", demo.figure_caption.removeprefix("出典: ")
        )
        article = Article.objects.create(
            title=demo.title,
            lead=demo.lead,
            summary=demo.summary,
            body=_body(demo, figure, previous),
            category=categories[demo.category],
            eyecatch=eyecatch,
            eyecatch_credit=demo.eyecatch_credit,
            notice=demo.notice,
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=6 * (count - index)),
        )
        article.tags.add(*demo.tags)
        Source.objects.bulk_create(
            Source(article=article, title=title, url=url, order=order)
            for order, (title, url) in enumerate(demo.sources)
        )
        articles.append(article)
        previous = article
    Article.objects.create(
        title="【下書き】来週公開予定の特集記事",
        lead="これは下書きです。読者には表示されません。",
        body="<p>下書きの本文。</p>",
        category=categories["world"],
        status=Article.Status.DRAFT,
    )
    Article.objects.create(
        title="【予約投稿】明日の朝に公開される記事",
        lead="予約投稿のデモです。公開時刻になるまで読者には表示されません。",
        body="<p>予約投稿の本文。</p>",
        category=categories["japan"],
        status=Article.Status.PUBLISHED,
        published_at=now + timedelta(days=1),
    )
    return articles
