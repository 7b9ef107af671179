#!/usr/bin/env python3
"""Draw the sample site's pictures: flat illustrations, no photographs, no
people. Every file under static/images/sample/ is made by this script
(seeded, so a re-run gives the same drawings) and is free to publish
(CC0, see static/images/sample/LICENSE.txt).

    python3 scripts/sample_images.py        # needs Pillow (pip install pillow)

Covers: one per brand case, 1600x1000. Galleries: scenes of school life
(flag raising, reading corner, volunteer station, campus garden...).
"""
import math
import os
import random

from PIL import Image, ImageDraw, ImageFilter

OUT = os.path.join(os.path.dirname(__file__), "..", "static", "images", "sample")
W, H = 1600, 1000

RED = (179, 18, 26)
GOLD = (240, 190, 70)
CREAM = (250, 243, 230)


def sky(d, top, bottom, h=H):
    for y in range(h):
        t = y / h
        c = tuple(int(top[i] + (bottom[i] - top[i]) * t) for i in range(3))
        d.line([(0, y), (W, y)], fill=c)


def hills(d, rnd, base, colour, amp):
    pts = [(0, H)]
    phase = rnd.random() * 6
    for x in range(0, W + 40, 40):
        y = base + math.sin(x / 260 + phase) * amp + math.sin(x / 90 + phase * 2) * amp / 4
        pts.append((x, y))
    pts.append((W, H))
    d.polygon(pts, fill=colour)


def school(d, x, y, w, h, wall, roof):
    d.rectangle([x, y, x + w, y + h], fill=wall)
    d.polygon([(x - 30, y), (x + w / 2, y - h * 0.35), (x + w + 30, y)], fill=roof)
    cols, rows = 6, 3
    for r in range(rows):
        for c in range(cols):
            wx = x + 30 + c * (w - 60) / cols
            wy = y + 25 + r * (h - 60) / rows
            d.rectangle([wx, wy, wx + (w - 60) / cols - 18, wy + (h - 60) / rows - 20], fill=(160, 200, 230))
    d.rectangle([x + w / 2 - 40, y + h - 110, x + w / 2 + 40, y + h], fill=(120, 70, 40))


def flag(d, x, ground, height):
    d.rectangle([x, ground - height, x + 10, ground], fill=(200, 200, 205))
    top = ground - height
    d.polygon([(x + 10, top + 5), (x + 190, top + 25), (x + 175, top + 75), (x + 10, top + 110)], fill=RED)
    d.regular_polygon((x + 50, top + 40, 16), 5, fill=GOLD)


def tree(d, x, ground, size, leaf):
    d.rectangle([x - size * 0.08, ground - size * 0.6, x + size * 0.08, ground], fill=(110, 75, 45))
    d.ellipse([x - size * 0.45, ground - size * 1.3, x + size * 0.45, ground - size * 0.45], fill=leaf)


def candle(d, x, ground, h):
    d.rectangle([x - 45, ground - h, x + 45, ground], fill=RED)
    d.ellipse([x - 45, ground - h - 15, x + 45, ground - h + 15], fill=(210, 40, 45))
    d.line([(x, ground - h - 10), (x, ground - h - 40)], fill=(40, 30, 20), width=5)
    d.ellipse([x - 28, ground - h - 120, x + 28, ground - h - 30], fill=GOLD)
    d.ellipse([x - 14, ground - h - 90, x + 14, ground - h - 40], fill=(255, 245, 200))


def book(d, x, y, w, h, colour):
    d.polygon([(x, y), (x + w / 2, y + 20), (x + w / 2, y + h + 20), (x, y + h)], fill=CREAM)
    d.polygon([(x + w / 2, y + 20), (x + w, y), (x + w, y + h), (x + w / 2, y + h + 20)], fill=(238, 228, 210))
    d.line([(x + w / 2, y + 20), (x + w / 2, y + h + 20)], fill=colour, width=6)
    for i in range(5):
        yy = y + 40 + i * (h - 60) / 5
        d.line([(x + 20, yy), (x + w / 2 - 20, yy + 12)], fill=(190, 180, 165), width=4)
        d.line([(x + w / 2 + 20, yy + 12), (x + w - 20, yy)], fill=(190, 180, 165), width=4)


def star_field(d, rnd, n, colour):
    for _ in range(n):
        x, y, r = rnd.randint(0, W), rnd.randint(0, H // 2), rnd.randint(2, 5)
        d.ellipse([x - r, y - r, x + r, y + r], fill=colour)


def heart(d, cx, cy, s, colour):
    d.ellipse([cx - s, cy - s * 0.6, cx, cy + s * 0.3], fill=colour)
    d.ellipse([cx, cy - s * 0.6, cx + s, cy + s * 0.3], fill=colour)
    d.polygon([(cx - s * 0.97, cy), (cx + s * 0.97, cy), (cx, cy + s * 1.1)], fill=colour)


def bamboo(d, x, ground, h, colour):
    for i in range(int(h / 70)):
        y = ground - i * 70
        d.rectangle([x - 12, y - 64, x + 12, y], fill=colour)
        d.line([(x - 14, y - 66), (x + 14, y - 66)], fill=(40, 100, 50), width=4)
    d.polygon([(x, ground - h), (x + 90, ground - h - 30), (x + 20, ground - h + 20)], fill=colour)


def cover(name, seed, motif, palette):
    rnd = random.Random(seed)
    im = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(im)
    sky(d, palette[0], palette[1])
    if motif == "stars":
        star_field(d, rnd, 60, (255, 240, 200))
    d.ellipse([1220, 110, 1400, 290], fill=(255, 226, 140))
    hills(d, rnd, 640, palette[2], 60)
    hills(d, rnd, 760, palette[3], 40)
    ground = 900
    d.rectangle([0, ground, W, H], fill=(205, 180, 140))
    school(d, 430, 560, 640, 340, (245, 236, 220), RED)
    flag(d, 1180, ground, 420)
    for tx in (150, 300, 1420):
        tree(d, tx, ground, 260 + rnd.randint(-40, 40), palette[3])
    if motif == "candle":
        candle(d, 240, ground, 260)
    elif motif == "book":
        book(d, 120, 700, 300, 170, RED)
    elif motif == "heart":
        heart(d, 250, 640, 110, (220, 60, 70))
    elif motif == "bamboo":
        for bx in (180, 240, 300):
            bamboo(d, bx, ground, 420 + rnd.randint(0, 80), (70, 150, 80))
    elif motif == "river":
        d.polygon([(0, 960), (700, 905), (1600, 950), (1600, 1000), (0, 1000)], fill=(90, 160, 210))
    im = im.filter(ImageFilter.SMOOTH)
    im.save(os.path.join(OUT, name), quality=84, optimize=True, progressive=True)


def scene(name, seed, kind):
    rnd = random.Random(seed)
    im = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(im)
    if kind == "flag":
        sky(d, (120, 180, 235), (230, 240, 250))
        d.rectangle([0, 820, W, H], fill=(200, 90, 70))
        for i in range(12):
            d.line([(i * 140, 820), (i * 140 - 200, H)], fill=(230, 230, 230), width=6)
        flag(d, 760, 820, 640)
        for tx in (200, 420, 1200, 1400):
            tree(d, tx, 820, 300, (70, 140, 80))
    elif kind == "reading":
        sky(d, (250, 240, 225), (240, 225, 200))
        d.rectangle([0, 760, W, H], fill=(170, 120, 80))
        for row in range(3):
            y = 120 + row * 200
            d.rectangle([120, y + 150, 1480, y + 170], fill=(140, 95, 60))
            x = 140
            while x < 1460:
                w = rnd.randint(30, 60)
                h = rnd.randint(100, 150)
                c = rnd.choice([RED, GOLD, (60, 110, 170), (70, 140, 90), (120, 80, 150)])
                d.rectangle([x, y + 150 - h, x + w, y + 150], fill=c)
                x += w + 6
        book(d, 600, 780, 400, 160, RED)
    elif kind == "volunteer":
        sky(d, (150, 200, 240), (235, 245, 250))
        d.rectangle([0, 780, W, H], fill=(190, 190, 185))
        d.rectangle([420, 420, 1180, 780], fill=(255, 255, 255))
        d.polygon([(380, 420), (800, 260), (1220, 420)], fill=RED)
        d.rectangle([470, 470, 1130, 560], fill=RED)
        heart(d, 800, 650, 70, (220, 60, 70))
        for tx in (150, 1450):
            tree(d, tx, 780, 320, (80, 150, 90))
    elif kind == "garden":
        sky(d, (170, 215, 245), (240, 248, 240))
        hills(d, rnd, 600, (120, 180, 110), 50)
        d.rectangle([0, 760, W, H], fill=(110, 170, 90))
        for i in range(9):
            x = 120 + i * 170
            tree(d, x, 760 + (i % 2) * 40, 220 + rnd.randint(0, 80), rnd.choice([(60, 140, 70), (90, 160, 80), (230, 150, 170)]))
        for i in range(40):
            x, y = rnd.randint(0, W), rnd.randint(820, H - 10)
            d.ellipse([x - 8, y - 8, x + 8, y + 8], fill=rnd.choice([GOLD, (240, 120, 140), CREAM]))
    elif kind == "classroom":
        sky(d, (240, 236, 225), (225, 220, 205))
        d.rectangle([250, 140, 1350, 560], fill=(40, 80, 60))
        d.rectangle([230, 120, 1370, 140], fill=(150, 110, 70))
        for i in range(4):
            d.line([(330, 220 + i * 80), (330 + rnd.randint(500, 900), 220 + i * 80)], fill=(235, 235, 220), width=8)
        flag(d, 1400, 560, 300)
        for r in range(2):
            for c in range(5):
                x, y = 180 + c * 270, 660 + r * 150
                d.rectangle([x, y, x + 200, y + 30], fill=(170, 120, 80))
                d.rectangle([x + 20, y + 30, x + 35, y + 110], fill=(120, 85, 55))
                d.rectangle([x + 165, y + 30, x + 180, y + 110], fill=(120, 85, 55))
    im = im.filter(ImageFilter.SMOOTH)
    im.save(os.path.join(OUT, name), quality=84, optimize=True, progressive=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    covers = [
        ("hongzhu.jpg", "candle", [(255, 214, 170), (255, 244, 225), (200, 140, 110), (150, 100, 80)]),
        ("jiangxin.jpg", "book", [(170, 210, 245), (240, 248, 252), (130, 170, 140), (80, 130, 90)]),
        ("qinglan.jpg", "bamboo", [(190, 225, 210), (245, 250, 245), (120, 170, 130), (70, 130, 80)]),
        ("meixiang.jpg", "heart", [(250, 200, 200), (255, 240, 235), (200, 150, 150), (150, 100, 110)]),
        ("hongseyinqing.jpg", "stars", [(60, 40, 90), (200, 120, 110), (120, 70, 90), (70, 50, 70)]),
        ("chuxin.jpg", "river", [(160, 210, 240), (235, 245, 252), (120, 170, 150), (80, 130, 110)]),
        ("tongxinyuan.jpg", "heart", [(255, 225, 170), (255, 248, 230), (210, 170, 110), (160, 120, 70)]),
        ("shuxiang.jpg", "book", [(230, 210, 180), (250, 244, 232), (170, 140, 110), (120, 95, 70)]),
    ]
    for i, (name, motif, pal) in enumerate(covers):
        cover(name, 100 + i, motif, pal)
    scenes = ["flag", "reading", "volunteer", "garden", "classroom"]
    for i, kind in enumerate(scenes):
        scene(f"{kind}.jpg", 200 + i, kind)
    with open(os.path.join(OUT, "LICENSE.txt"), "w", encoding="utf-8") as f:
        f.write(
            "These illustrations were drawn by scripts/sample_images.py for the exemplar\n"
            "sample site. They show no real person or place. CC0 1.0: no rights reserved.\n"
        )


if __name__ == "__main__":
    main()
