"""Made-up ID-style portraits for the demo's badge photos: a plain background, head and shoulders
in varied skin, hair and clothes colours, drawn with Pillow (no faces of real people).

``portrait(rng, sex, age)`` returns the JPEG bytes of one 360×480 photo, the size and quality
``chang_shan.badges.photos`` stores after cropping (so the demo's files look like the office's).
Drawn without supersampling: the edges are hard, but no one sees that at badge size, and a
portrait costs about a millisecond.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 360, 480  # chang_shan.badges.photos stores photos at this size
QUALITY = 85

BACKGROUNDS = ((246, 246, 244), (236, 240, 245), (200, 222, 244), (176, 206, 236), (226, 228, 230))
SKINS = ((241, 206, 176), (233, 192, 158), (224, 180, 146), (212, 166, 130), (198, 150, 116), (186, 138, 104))
HAIR_OLD = ((236, 236, 232), (206, 204, 200), (168, 166, 162), (122, 120, 118), (60, 56, 54), (34, 30, 30))
HAIR_DYED = ((28, 24, 24), (52, 38, 30), (74, 52, 40))
CLOTHES = ((38, 52, 86), (58, 60, 66), (110, 36, 44), (44, 78, 62), (96, 72, 52), (188, 170, 140),
           (30, 30, 34), (62, 96, 146), (128, 58, 88), (150, 40, 40))
SHIRTS = ((244, 244, 240), (214, 224, 236), (236, 226, 206))


def _shade(colour: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, round(c * factor))) for c in colour)  # type: ignore[return-value]


def portrait(rng: random.Random, sex: str, age: int) -> bytes:
    """One portrait as JPEG bytes. ``sex`` '1' male / '2' female (GB/T 2261.1), ``age`` in years."""
    background = rng.choice(BACKGROUNDS)
    skin = rng.choice(SKINS)
    hair = rng.choice(HAIR_DYED if rng.random() < (0.35 if sex == "2" else 0.15) else HAIR_OLD)
    clothes = rng.choice(CLOTHES)
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        return round(x0), round(y0), round(x1), round(y1)

    def pt(x: float, y: float) -> tuple[int, int]:
        return round(x), round(y)

    cx = 180 + rng.uniform(-6, 6)
    head_w, head_h = rng.uniform(132, 150), rng.uniform(172, 192)
    top = rng.uniform(96, 112)
    left, right, bottom = cx - head_w / 2, cx + head_w / 2, top + head_h
    long_hair = sex == "2" and rng.random() < 0.7
    if long_hair:  # a bob behind the head, down to the jaw or the shoulders
        draw.rounded_rectangle(box(left - 14, top - 8, right + 14, bottom + rng.uniform(-20, 30)),
                               radius=70, fill=hair)
    # Shoulders and clothes, neck, collar.
    shoulder_top = bottom + rng.uniform(34, 48)
    width = rng.uniform(300, 340)
    draw.ellipse(box(cx - width / 2, shoulder_top, cx + width / 2, shoulder_top + 300), fill=clothes)
    draw.rectangle(box(cx - 30, bottom - 30, cx + 30, shoulder_top + 24), fill=_shade(skin, 0.9))
    collar = rng.random()
    if collar < 0.45:  # a shirt under a jacket: white V, jacket lapels
        shirt = rng.choice(SHIRTS)
        draw.polygon([pt(cx - 46, shoulder_top + 6), pt(cx + 46, shoulder_top + 6),
                      pt(cx, shoulder_top + 96)], fill=shirt)
        draw.polygon([pt(cx - 30, shoulder_top - 4), pt(cx, shoulder_top + 40),
                      pt(cx + 30, shoulder_top - 4)], fill=_shade(skin, 0.9))
    elif collar < 0.8:  # a round neckline
        draw.chord(box(cx - 40, shoulder_top - 34, cx + 40, shoulder_top + 30), 0, 180, fill=_shade(skin, 0.9))
    else:  # a high collar (sweater)
        draw.rounded_rectangle(box(cx - 36, shoulder_top - 16, cx + 36, shoulder_top + 16), radius=10,
                               fill=_shade(clothes, 1.25))
    # Ears, face.
    ear_y = top + head_h * 0.45
    for ex in (left - 9, right - 13):
        draw.ellipse(box(ex, ear_y, ex + 22, ear_y + 40), fill=_shade(skin, 0.95))
    draw.ellipse(box(left, top, right, bottom), fill=skin)
    # Hair on top: a dome over the head with an arched hairline cut into it by the forehead; only
    # a fringe at the sides on some old men.
    thin = sex == "1" and age >= 70 and rng.random() < 0.4
    hairline = top + head_h * rng.uniform(0.2, 0.27)
    if thin:
        for side in (left - 4, right - 14):
            draw.ellipse(box(side, top + head_h * 0.28, side + 18, top + head_h * 0.52), fill=hair)
    else:
        draw.chord(box(left - 6, top - 12, right + 6, top + head_h * 0.9), 180, 360, fill=hair)
        draw.ellipse(box(cx - head_w * 0.36, hairline, cx + head_w * 0.36, hairline + head_h * 0.5), fill=skin)
        if long_hair:
            for side in (left - 6, right - 20):
                draw.rectangle(box(side, top + head_h * 0.4, side + 26, top + head_h * 0.62), fill=hair)
    # Eyes, brows, nose, mouth; glasses for some.
    eye_y = top + head_h * rng.uniform(0.46, 0.5)
    spread = head_w * rng.uniform(0.2, 0.23)
    dark = (44, 34, 30)
    brow = _shade(hair, 0.7) if hair[0] < 150 else (120, 112, 104)
    for ex in (cx - spread, cx + spread):
        draw.ellipse(box(ex - 9, eye_y - 4, ex + 9, eye_y + 5), fill=(250, 248, 244))
        draw.ellipse(box(ex - 5, eye_y - 4, ex + 5, eye_y + 5), fill=dark)
        draw.line(box(ex - 14, eye_y - 16, ex + 14, eye_y - 18), fill=brow, width=4)
    nose_y = top + head_h * 0.66
    draw.line(box(cx - 2, eye_y + 12, cx - 6, nose_y), fill=_shade(skin, 0.78), width=2)
    draw.line(box(cx - 9, nose_y, cx + 7, nose_y), fill=_shade(skin, 0.78), width=2)
    mouth_y = top + head_h * 0.8
    lips = (176, 96, 92) if sex == "2" else _shade(skin, 0.7)
    draw.arc(box(cx - 20, mouth_y - 12, cx + 20, mouth_y + 6), 20, 160, fill=lips, width=3)
    if rng.random() < (0.45 if age >= 65 else 0.3):
        frame = rng.choice(((40, 36, 34), (140, 110, 60), (150, 150, 156)))
        for ex in (cx - spread, cx + spread):
            draw.rounded_rectangle(box(ex - 22, eye_y - 15, ex + 22, eye_y + 15), radius=8,
                                   outline=frame, width=3)
        draw.line(box(cx - spread + 22, eye_y - 4, cx + spread - 22, eye_y - 4), fill=frame, width=3)
    if age >= 70:  # lines on the forehead and beside the mouth
        line = _shade(skin, 0.86)
        for k in range(2):
            y = top + head_h * (0.3 + 0.05 * k)
            draw.arc(box(cx - 34, y - 6, cx + 34, y + 10), 200, 340, fill=line, width=2)
        for side in (-1, 1):
            draw.line(box(cx + side * 22, nose_y + 4, cx + side * 30, mouth_y + 4), fill=line, width=2)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY)
    return out.getvalue()
