#!/usr/bin/python3
"""The Python counterpart of bench-export: the original exercise's
generate_diagram (CS50 AI "Attention", mask.py), unchanged in its drawing
(black RGBA canvas, 40 px cells, 200 px margin, 28 px OpenSans labels, one
full-size rotated layer per column label), fed the matrices bench-export
dumped. Prints "export_pillow_ms <median>" over REPEATS runs of all 144."""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

from PIL import Image, ImageDraw, ImageFont

GRID_SIZE = 40
PIXELS_PER_WORD = 200
FONT_PATHS = [
    "/usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf",  # fonts-open-sans
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
]


def load_font():
    for path in FONT_PATHS:
        if os.path.exists(path):
            return ImageFont.truetype(path, 28)
    sys.exit("export_pillow.py: no OpenSans or DejaVu font (apt-get install fonts-open-sans)")


def get_color_for_attention_score(attention_score):
    return (round(attention_score * 255),) * 3


def generate_diagram(font, outdir, layer_number, head_number, tokens, attention_weights):
    image_size = GRID_SIZE * len(tokens) + PIXELS_PER_WORD
    img = Image.new("RGBA", (image_size, image_size), "black")
    draw = ImageDraw.Draw(img)

    for i, token in enumerate(tokens):
        token_image = Image.new("RGBA", (image_size, image_size), (0, 0, 0, 0))
        token_draw = ImageDraw.Draw(token_image)
        token_draw.text(
            (image_size - PIXELS_PER_WORD, PIXELS_PER_WORD + i * GRID_SIZE),
            token, fill="white", font=font)
        token_image = token_image.rotate(90)
        img.paste(token_image, mask=token_image)

        _, _, width, _ = draw.textbbox((0, 0), token, font=font)
        draw.text((PIXELS_PER_WORD - width, PIXELS_PER_WORD + i * GRID_SIZE),
                  token, fill="white", font=font)

    for i in range(len(tokens)):
        y = PIXELS_PER_WORD + i * GRID_SIZE
        for j in range(len(tokens)):
            x = PIXELS_PER_WORD + j * GRID_SIZE
            color = get_color_for_attention_score(attention_weights[i][j])
            draw.rectangle((x, y, x + GRID_SIZE, y + GRID_SIZE), fill=color)

    img.save(os.path.join(outdir, f"Attention_Layer{layer_number}_Head{head_number}.png"))


def export_all(font, data):
    tokens, n = data["tokens"], len(data["tokens"])
    flat = data["attentions"]
    with tempfile.TemporaryDirectory(prefix="bench-pillow-") as outdir:
        start = time.perf_counter()
        for layer in range(data["layers"]):
            for head in range(data["heads"]):
                base = (layer * data["heads"] + head) * n * n
                weights = [flat[base + i * n: base + (i + 1) * n] for i in range(n)]
                generate_diagram(font, outdir, layer + 1, head + 1, tokens, weights)
        return (time.perf_counter() - start) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dump", help="JSON written by bench-export --dump")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with open(args.dump, encoding="utf-8") as f:
        data = json.load(f)
    font = load_font()
    times = [export_all(font, data) for _ in range(max(1, args.repeats))]
    print(f"export_pillow_ms {statistics.median(times):.1f}")


if __name__ == "__main__":
    main()
