/* attention-selection.c: what the window shows (see the header). */

#include "attention-selection.h"

struct _AttentionSelection
{
  GObject parent_instance;

  AttentionModel *model;
  AttentionResult *result;
  /* What the pages draw: result, or with hide_special a result without
   * [CLS] and [SEP] (their rows and columns gone, the rest renormalised). */
  AttentionResult *shown_result;
  guint layer;
  guint head;
  int pinned;
  AttentionAggregate aggregate;
  gboolean hide_special;
  AttentionColormap colormap;
  AttentionScale scale;
  int score;
  gboolean sort_by_score;
  guint combine; /* an AttentionCombine: several pinned tokens */

  const float *matrix;   /* the result's own, or owned_matrix */
  float *owned_matrix;   /* an aggregate computed for the result */
  GCancellable *pending; /* the aggregate being computed, or NULL */
};

G_DEFINE_FINAL_TYPE (AttentionSelection, attention_selection, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_MODEL,
  PROP_RESULT,
  PROP_SHOWN_RESULT,
  PROP_N_LAYERS,
  PROP_N_HEADS,
  PROP_LAYER,
  PROP_HEAD,
  PROP_PINNED,
  PROP_AGGREGATE,
  PROP_HIDE_SPECIAL,
  PROP_COLORMAP,
  PROP_SCALE,
  PROP_SCORE,
  PROP_SORT_BY_SCORE,
  PROP_COMBINE,
  PROP_MATRIX,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------- matrix */

static void
set_matrix (AttentionSelection *self, const float *matrix, float *owned)
{
  float *old = self->owned_matrix;

  self->owned_matrix = owned;
  self->matrix = matrix;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATRIX]);
  /* Freed after the notification: nobody holds on to it past that. */
  g_free (old);
}

static void
set_pending (AttentionSelection *self, GCancellable *pending)
{
  gboolean was_busy = self->pending != NULL;

  if (self->pending != NULL)
    g_cancellable_cancel (self->pending);
  g_set_object (&self->pending, pending);
  if (was_busy != (pending != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

typedef struct
{
  AttentionSelection *self; /* owned */
  GCancellable *pending;    /* owned: this job's, stale once replaced */
} AggregateJob;

static void
aggregate_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  AggregateJob *job = data;
  AttentionSelection *self = job->self;
  g_autofree float *matrix = attention_stats_compute_finish (ATTENTION_RESULT (source), res, NULL);

  if (job->pending == self->pending && matrix != NULL)
    {
      set_pending (self, NULL);
      set_matrix (self, matrix, matrix);
      matrix = NULL;
    }
  g_object_unref (job->self);
  g_object_unref (job->pending);
  g_free (job);
}

/* The head itself is shown at once; anything else is computed in a worker
 * (rollout of a long sentence takes several frames). new_result: the last
 * matrix belongs to other tokens and cannot stay meanwhile. */
static void
update_matrix (AttentionSelection *self, gboolean new_result)
{
  g_autoptr (GCancellable) pending = NULL;
  AggregateJob *job;

  if (self->shown_result == NULL)
    {
      set_pending (self, NULL);
      set_matrix (self, NULL, NULL);
      return;
    }
  if (attention_selection_shows_head (self))
    {
      set_pending (self, NULL);
      set_matrix (self, attention_result_get_matrix (self->shown_result, self->layer, self->head),
                  NULL);
      return;
    }
  /* Norms come from a run that asked for them (the window starts it): none
   * is shown meanwhile, rather than a matrix of zeros. */
  if (self->aggregate == ATTENTION_AGGREGATE_NORMS &&
      attention_result_get_value_norms (self->shown_result, 0, 0) == NULL)
    {
      set_pending (self, NULL);
      set_matrix (self, NULL, NULL);
      return;
    }
  if (new_result)
    set_matrix (self, NULL, NULL);
  pending = g_cancellable_new ();
  set_pending (self, pending);
  job = g_new0 (AggregateJob, 1);
  job->self = g_object_ref (self);
  job->pending = g_object_ref (pending);
  /* The specials are already gone from shown_result. */
  attention_stats_compute_async (self->shown_result, self->aggregate, self->layer, self->head,
                                 FALSE, pending, aggregate_done_cb, job);
}

/* ----------------------------------------------------------------- shape */

static guint
clamp_index (guint value, guint count)
{
  return count > 0 ? MIN (value, count - 1) : value;
}

/* The model or the result changed (pspec): layer and head stay where they
 * are when the new one has them. Clamped before anyone hears of the change,
 * so that a widget bound to both finds them agreeing. */
static void
reshape (AttentionSelection *self, GParamSpec *pspec)
{
  guint layer = clamp_index (self->layer, attention_selection_get_n_layers (self));
  guint head = clamp_index (self->head, attention_selection_get_n_heads (self));
  gboolean new_layer = layer != self->layer, new_head = head != self->head;

  self->layer = layer;
  self->head = head;
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LAYERS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_HEADS]);
  if (new_layer)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYER]);
  if (new_head)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEAD]);
}

/* result or hide_special changed: what the pages draw follows, and the
 * pin and matrix of the old tokens go. */
static void
update_shown_result (AttentionSelection *self)
{
  g_autoptr (AttentionResult) shown = NULL;

  if (self->result != NULL)
    shown = self->hide_special ? attention_stats_without_specials (self->result)
                               : g_object_ref (self->result);
  self->matrix = NULL;
  g_clear_pointer (&self->owned_matrix, g_free);
  if (g_set_object (&self->shown_result, shown))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWN_RESULT]);
  attention_selection_set_pinned (self, -1);
  update_matrix (self, TRUE);
}

/* -------------------------------------------------------------------- API */

AttentionSelection *
attention_selection_new (void)
{
  return g_object_new (ATTENTION_TYPE_SELECTION, NULL);
}

void
attention_selection_set_model (AttentionSelection *self, AttentionModel *model)
{
  g_return_if_fail (ATTENTION_IS_SELECTION (self));
  g_return_if_fail (model == NULL || ATTENTION_IS_MODEL (model));

  if (!g_set_object (&self->model, model))
    return;
  /* The old result belongs to the old model. */
  attention_selection_set_result (self, NULL);
  reshape (self, properties[PROP_MODEL]);
}

AttentionModel *
attention_selection_get_model (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), NULL);
  return self->model;
}

void
attention_selection_set_result (AttentionSelection *self, AttentionResult *result)
{
  g_return_if_fail (ATTENTION_IS_SELECTION (self));
  g_return_if_fail (result == NULL || ATTENTION_IS_RESULT (result));

  if (!g_set_object (&self->result, result))
    return;
  /* The last matrix belongs to the old tokens: no one may read it with the
   * new result, also while hearing of it. */
  self->matrix = NULL;
  g_clear_pointer (&self->owned_matrix, g_free);
  g_clear_object (&self->shown_result);
  reshape (self, properties[PROP_RESULT]);
  /* A pin belongs to the old tokens. */
  update_shown_result (self);
}

AttentionResult *
attention_selection_get_shown_result (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), NULL);
  return self->shown_result;
}

AttentionResult *
attention_selection_get_result (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), NULL);
  return self->result;
}

guint
attention_selection_get_n_layers (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), 0);

  if (self->result != NULL)
    return attention_result_get_n_layers (self->result);
  return self->model != NULL ? attention_model_get_info (self->model)->n_layers : 0;
}

guint
attention_selection_get_n_heads (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), 0);

  if (self->result != NULL)
    return attention_result_get_n_heads (self->result);
  return self->model != NULL ? attention_model_get_info (self->model)->n_heads : 0;
}

void
attention_selection_set_layer (AttentionSelection *self, guint layer)
{
  g_return_if_fail (ATTENTION_IS_SELECTION (self));

  layer = clamp_index (layer, attention_selection_get_n_layers (self));
  if (self->layer == layer)
    return;
  self->layer = layer;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYER]);
  update_matrix (self, FALSE);
}

guint
attention_selection_get_layer (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), 0);
  return self->layer;
}

void
attention_selection_set_head (AttentionSelection *self, guint head)
{
  g_return_if_fail (ATTENTION_IS_SELECTION (self));

  head = clamp_index (head, attention_selection_get_n_heads (self));
  if (self->head == head)
    return;
  self->head = head;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEAD]);
  update_matrix (self, FALSE);
}

guint
attention_selection_get_head (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), 0);
  return self->head;
}

void
attention_selection_set_pinned (AttentionSelection *self, int token)
{
  g_return_if_fail (ATTENTION_IS_SELECTION (self));

  if (token < 0 || self->shown_result == NULL ||
      (guint)token >= attention_result_get_n_tokens (self->shown_result))
    token = -1;
  if (self->pinned == token)
    return;
  self->pinned = token;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED]);
}

void
attention_selection_set_aggregate (AttentionSelection *self, AttentionAggregate aggregate)
{
  g_return_if_fail (ATTENTION_IS_SELECTION (self));
  g_return_if_fail (aggregate <= ATTENTION_AGGREGATE_NORMS);

  if (self->aggregate == aggregate)
    return;
  self->aggregate = aggregate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGGREGATE]);
  update_matrix (self, FALSE);
}

AttentionAggregate
attention_selection_get_aggregate (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), ATTENTION_AGGREGATE_HEAD);
  return self->aggregate;
}

void
attention_selection_set_hide_special (AttentionSelection *self, gboolean hide)
{
  g_return_if_fail (ATTENTION_IS_SELECTION (self));

  hide = !!hide;
  if (self->hide_special == hide)
    return;
  self->hide_special = hide;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIDE_SPECIAL]);
  update_shown_result (self);
}

gboolean
attention_selection_get_hide_special (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), FALSE);
  return self->hide_special;
}

void
attention_selection_set_colormap (AttentionSelection *self, AttentionColormap colormap)
{
  g_return_if_fail (ATTENTION_IS_SELECTION (self));
  g_return_if_fail (colormap < ATTENTION_N_COLORMAPS);

  if (self->colormap == colormap)
    return;
  self->colormap = colormap;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLORMAP]);
}

AttentionColormap
attention_selection_get_colormap (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), ATTENTION_COLORMAP_GRAY);
  return self->colormap;
}

void
attention_selection_set_scale (AttentionSelection *self, AttentionScale scale)
{
  g_return_if_fail (ATTENTION_IS_SELECTION (self));
  g_return_if_fail (scale < ATTENTION_N_SCALES);

  if (self->scale == scale)
    return;
  self->scale = scale;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
}

AttentionScale
attention_selection_get_scale (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), ATTENTION_SCALE_LINEAR);
  return self->scale;
}

void
attention_selection_set_score (AttentionSelection *self, int pattern)
{
  g_return_if_fail (ATTENTION_IS_SELECTION (self));
  g_return_if_fail (pattern >= -1 && pattern < ATTENTION_N_PATTERNS);

  if (self->score == pattern)
    return;
  self->score = pattern;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCORE]);
}

int
attention_selection_get_score (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), -1);
  return self->score;
}

void
attention_selection_set_sort_by_score (AttentionSelection *self, gboolean sort)
{
  g_return_if_fail (ATTENTION_IS_SELECTION (self));

  sort = !!sort;
  if (self->sort_by_score == sort)
    return;
  self->sort_by_score = sort;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_BY_SCORE]);
}

gboolean
attention_selection_get_sort_by_score (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), FALSE);
  return self->sort_by_score;
}

const float *
attention_selection_get_matrix (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), NULL);
  return self->matrix;
}

gboolean
attention_selection_get_busy (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), FALSE);
  return self->pending != NULL;
}

gboolean
attention_selection_shows_head (AttentionSelection *self)
{
  g_return_val_if_fail (ATTENTION_IS_SELECTION (self), TRUE);
  return self->aggregate == ATTENTION_AGGREGATE_HEAD;
}

/* ---------------------------------------------------------------- GObject */

static void
attention_selection_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttentionSelection *self = ATTENTION_SELECTION (object);

  switch (prop_id)
    {
      case PROP_MODEL:
        g_value_set_object (value, self->model);
        break;
      case PROP_RESULT:
        g_value_set_object (value, self->result);
        break;
      case PROP_SHOWN_RESULT:
        g_value_set_object (value, self->shown_result);
        break;
      case PROP_N_LAYERS:
        g_value_set_uint (value, attention_selection_get_n_layers (self));
        break;
      case PROP_N_HEADS:
        g_value_set_uint (value, attention_selection_get_n_heads (self));
        break;
      case PROP_LAYER:
        g_value_set_uint (value, self->layer);
        break;
      case PROP_HEAD:
        g_value_set_uint (value, self->head);
        break;
      case PROP_PINNED:
        g_value_set_int (value, self->pinned);
        break;
      case PROP_AGGREGATE:
        g_value_set_enum (value, self->aggregate);
        break;
      case PROP_HIDE_SPECIAL:
        g_value_set_boolean (value, self->hide_special);
        break;
      case PROP_COLORMAP:
        g_value_set_enum (value, self->colormap);
        break;
      case PROP_SCALE:
        g_value_set_enum (value, self->scale);
        break;
      case PROP_SCORE:
        g_value_set_int (value, self->score);
        break;
      case PROP_SORT_BY_SCORE:
        g_value_set_boolean (value, self->sort_by_score);
        break;
      case PROP_COMBINE:
        g_value_set_uint (value, self->combine);
        break;
      case PROP_MATRIX:
        g_value_set_pointer (value, (gpointer)self->matrix);
        break;
      case PROP_BUSY:
        g_value_set_boolean (value, self->pending != NULL);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_selection_set_property (GObject *object,
                                  guint prop_id,
                                  const GValue *value,
                                  GParamSpec *pspec)
{
  AttentionSelection *self = ATTENTION_SELECTION (object);

  switch (prop_id)
    {
      case PROP_MODEL:
        attention_selection_set_model (self, g_value_get_object (value));
        break;
      case PROP_RESULT:
        attention_selection_set_result (self, g_value_get_object (value));
        break;
      case PROP_LAYER:
        attention_selection_set_layer (self, g_value_get_uint (value));
        break;
      case PROP_HEAD:
        attention_selection_set_head (self, g_value_get_uint (value));
        break;
      case PROP_PINNED:
        attention_selection_set_pinned (self, g_value_get_int (value));
        break;
      case PROP_AGGREGATE:
        attention_selection_set_aggregate (self, g_value_get_enum (value));
        break;
      case PROP_HIDE_SPECIAL:
        attention_selection_set_hide_special (self, g_value_get_boolean (value));
        break;
      case PROP_COLORMAP:
        attention_selection_set_colormap (self, g_value_get_enum (value));
        break;
      case PROP_SCALE:
        attention_selection_set_scale (self, g_value_get_enum (value));
        break;
      case PROP_SCORE:
        attention_selection_set_score (self, g_value_get_int (value));
        break;
      case PROP_SORT_BY_SCORE:
        attention_selection_set_sort_by_score (self, g_value_get_boolean (value));
        break;
      case PROP_COMBINE:
        if (self->combine != g_value_get_uint (value))
          {
            self->combine = g_value_get_uint (value);
            g_object_notify_by_pspec (object, properties[PROP_COMBINE]);
          }
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_selection_dispose (GObject *object)
{
  AttentionSelection *self = ATTENTION_SELECTION (object);

  if (self->pending != NULL)
    g_cancellable_cancel (self->pending);
  g_clear_object (&self->pending);
  g_clear_object (&self->result);
  g_clear_object (&self->shown_result);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (attention_selection_parent_class)->dispose (object);
}

static void
attention_selection_finalize (GObject *object)
{
  AttentionSelection *self = ATTENTION_SELECTION (object);

  g_free (self->owned_matrix);
  G_OBJECT_CLASS (attention_selection_parent_class)->finalize (object);
}

static void
attention_selection_class_init (AttentionSelectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags read_only = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = attention_selection_get_property;
  object_class->set_property = attention_selection_set_property;
  object_class->dispose = attention_selection_dispose;
  object_class->finalize = attention_selection_finalize;

  properties[PROP_MODEL] = g_param_spec_object ("model", NULL, NULL, ATTENTION_TYPE_MODEL, flags);
  properties[PROP_RESULT] =
      g_param_spec_object ("result", NULL, NULL, ATTENTION_TYPE_RESULT, flags);
  properties[PROP_SHOWN_RESULT] =
      g_param_spec_object ("shown-result", NULL, NULL, ATTENTION_TYPE_RESULT, read_only);
  properties[PROP_N_LAYERS] =
      g_param_spec_uint ("n-layers", NULL, NULL, 0, G_MAXUINT, 0, read_only);
  properties[PROP_N_HEADS] = g_param_spec_uint ("n-heads", NULL, NULL, 0, G_MAXUINT, 0, read_only);
  properties[PROP_LAYER] = g_param_spec_uint ("layer", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_HEAD] = g_param_spec_uint ("head", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_PINNED] = g_param_spec_int ("pinned", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_AGGREGATE] = g_param_spec_enum ("aggregate", NULL, NULL, ATTENTION_TYPE_AGGREGATE,
                                                  ATTENTION_AGGREGATE_HEAD, flags);
  properties[PROP_HIDE_SPECIAL] = g_param_spec_boolean ("hide-special", NULL, NULL, FALSE, flags);
  properties[PROP_COLORMAP] = g_param_spec_enum ("colormap", NULL, NULL, ATTENTION_TYPE_COLORMAP,
                                                 ATTENTION_COLORMAP_GRAY, flags);
  properties[PROP_SCALE] =
      g_param_spec_enum ("scale", NULL, NULL, ATTENTION_TYPE_SCALE, ATTENTION_SCALE_LINEAR, flags);
  properties[PROP_SCORE] =
      g_param_spec_int ("score", NULL, NULL, -1, ATTENTION_N_PATTERNS - 1, -1, flags);
  properties[PROP_SORT_BY_SCORE] = g_param_spec_boolean ("sort-by-score", NULL, NULL, FALSE, flags);
  properties[PROP_COMBINE] =
      g_param_spec_uint ("combine", NULL, NULL, ATTENTION_COMBINE_SUM, ATTENTION_COMBINE_MEAN,
                         ATTENTION_COMBINE_SUM, flags);
  properties[PROP_MATRIX] = g_param_spec_pointer ("matrix", NULL, NULL, read_only);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, read_only);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
attention_selection_init (AttentionSelection *self)
{
  self->pinned = -1;
  self->score = -1;
}
