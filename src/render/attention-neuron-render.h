/* attention-neuron-render.h: the neuron view of one head, as bertviz draws
 * it: for a chosen query token i, its query vector q_i above every key
 * vector k_j, their elementwise product q_i ⊙ k_j, the scaled dot product
 * q_i·k_j/√d and its softmax over j. Vectors are colour strips on a
 * diverging map (blue negative, white 0, red positive), one cell an entry.
 * Cairo only, no GTK: the neuron page and its export draw through it, and
 * the page asks it what lies under the pointer.
 *
 * Layout, left to right, one row per token j under a header and the q band:
 *   query token j | k_j | q_i ⊙ k_j | q_i·k_j/√d | softmax | key token j */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "attention-colormap.h"

G_BEGIN_DECLS

typedef enum
{
  ATTENTION_NEURON_NONE = 0,
  ATTENTION_NEURON_QUERY_TOKEN, /* left column: clicking one picks the query */
  ATTENTION_NEURON_QUERY,       /* an entry of q_i (row is the query) */
  ATTENTION_NEURON_KEY,         /* an entry of k_j */
  ATTENTION_NEURON_PRODUCT,     /* an entry of q_i ⊙ k_j */
  ATTENTION_NEURON_SCORE,       /* q_i·k_j/√d */
  ATTENTION_NEURON_SOFTMAX,     /* softmax_j of the scores */
  ATTENTION_NEURON_KEY_TOKEN,   /* right column */
} AttentionNeuronPart;

/* What one picture shows. queries and keys: n × d floats, row-major
 * [token][entry], the head's slices after their bias, before scaling. */
typedef struct
{
  guint n;
  guint d;
  guint query; /* i, < n */
  const float *queries;
  const float *keys;
  const char *const *labels; /* n tokens */
  /* Tokens from this index on lie past the longest input the model was
   * trained on: their rows (and the q band, for such a query) are hatched
   * as in the matrix. 0 for none. */
  guint hatch_from;
  /* The run switched this head off (a head mask multiplies its
   * probabilities by 0): the softmax column shows the weights the matrix
   * holds, all 0. */
  gboolean head_off;
} AttentionNeuronData;

/* The numbers behind the picture, computed from the data (in double, then
 * stored as float): products n × d, scores and softmax n each (the softmax
 * times 0 for a head that is off). vmax_qk is
 * the largest |entry| of q_i and every k_j (the strips' common scale),
 * vmax_product that of the products; both at least FLT_MIN. */
typedef struct
{
  float *products;
  float *scores;
  float *softmax;
  float vmax_qk;
  float vmax_product;
  float vmax_score;
} AttentionNeuronValues;

gboolean attention_neuron_values_init (AttentionNeuronValues *values,
                                       const AttentionNeuronData *data);
void attention_neuron_values_clear (AttentionNeuronValues *values);

typedef struct
{
  double row_height;   /* one token's row */
  double label_width;  /* each token column (attention_neuron_measure_labels) */
  double cell_width;   /* one vector entry */
  double number_width; /* the score and the softmax columns */
  double gap;          /* between columns */
  double header;       /* the column titles on top; sticky when scrolled */
  double font_size;
  const char *font_family;
  double fg[3];
  double bg[3];
  gboolean draw_background;
  AttentionColormap colormap; /* the softmax cells, as the matrix shows weights */
  /* Outlined: the entry under the pointer (part NONE for none). */
  AttentionNeuronPart hover_part;
  guint hover_row;
  guint hover_dim;
  /* The rows move up by scroll; the header and the q band stay. 0 for files. */
  double scroll;
  const char *caption; /* lines under the picture; NULL for none */
  double caption_size;
} AttentionNeuronStyle;

/* The export look: dark labels on white, 16 px font, 24 px rows, 4 px cells,
 * no hover. label_width is a default: measure it for the sentence. */
void attention_neuron_style_init_export (AttentionNeuronStyle *style);

/* A token column width that fits the widest of n labels (with padding), at
 * most max_width. */
double attention_neuron_measure_labels (const AttentionNeuronStyle *style,
                                        const char *const *labels,
                                        guint n,
                                        double max_width);
/* The cell width at which a picture of d-entry vectors is `width` wide (at
 * least min_cell, at most max_cell). */
double attention_neuron_fit_cells (
    const AttentionNeuronStyle *style, guint d, double width, double min_cell, double max_cell);
/* Size of the whole picture (scroll ignored). */
void attention_neuron_get_size (
    const AttentionNeuronStyle *style, guint n, guint d, double *width, double *height);
/* Height of the part that stays on top while the rows scroll. */
double attention_neuron_get_sticky_height (const AttentionNeuronStyle *style);

/* Diverging colour of v on a scale of ±vmax: white at 0, blue (negative)
 * and red (positive) at full strength from |v| = vmax on. */
void attention_neuron_diverging_rgb (float v, float vmax, double rgb[3]);

/* Draws at the current origin. values from attention_neuron_values_init on
 * the same data. */
void attention_neuron_draw (cairo_t *cr,
                            const AttentionNeuronStyle *style,
                            const AttentionNeuronData *data,
                            const AttentionNeuronValues *values);

/* What lies under (x, y) in user units (scroll applied): its part, the
 * token row and, in a strip, the entry. NONE over nothing. */
AttentionNeuronPart attention_neuron_hit (const AttentionNeuronStyle *style,
                                          guint n,
                                          guint d,
                                          guint query,
                                          double x,
                                          double y,
                                          guint *row,
                                          guint *dim);

G_END_DECLS
