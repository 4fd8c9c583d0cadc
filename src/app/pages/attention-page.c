/* attention-page.c: the base of the switcher's views (see the header). */

#include "attention-page.h"

typedef struct
{
  AttentionSelection *selection;
  AttentionPageGroups groups;
  GtkWidget *focus_widget;
  guint64 heads;
} AttentionPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (AttentionPage, attention_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SELECTION,
  PROP_GROUPS,
  PROP_FOCUS_WIDGET,
  PROP_HEADS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

AttentionSelection *
attention_page_get_selection (AttentionPage *self)
{
  AttentionPagePrivate *priv = attention_page_get_instance_private (self);

  g_return_val_if_fail (ATTENTION_IS_PAGE (self), NULL);
  return priv->selection;
}

AttentionPageGroups
attention_page_get_groups (AttentionPage *self)
{
  AttentionPagePrivate *priv = attention_page_get_instance_private (self);

  g_return_val_if_fail (ATTENTION_IS_PAGE (self), 0);
  return priv->groups;
}

guint64
attention_page_get_heads (AttentionPage *self)
{
  AttentionPagePrivate *priv = attention_page_get_instance_private (self);

  g_return_val_if_fail (ATTENTION_IS_PAGE (self), 0);
  return priv->heads;
}

void
attention_page_set_heads (AttentionPage *self, guint64 heads)
{
  AttentionPagePrivate *priv = attention_page_get_instance_private (self);

  g_return_if_fail (ATTENTION_IS_PAGE (self));

  if (priv->heads == heads)
    return;
  priv->heads = heads;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEADS]);
}

/* ------------------------------------------------------------------ views */

static void
view_matrix_cb (AttentionSelection *selection, GParamSpec *pspec, AttentionView *view)
{
  /* Computed for the selection's tokens: the view may not have them yet. */
  if (attention_view_get_result (view) != attention_selection_get_shown_result (selection))
    return;
  attention_view_set_matrix_override (view, attention_selection_shows_head (selection)
                                                ? NULL
                                                : attention_selection_get_matrix (selection));
}

void
attention_page_bind_view (AttentionSelection *selection, AttentionView *view)
{
  g_return_if_fail (ATTENTION_IS_SELECTION (selection));
  g_return_if_fail (ATTENTION_IS_VIEW (view));

  g_object_bind_property (selection, "shown-result", view, "result", G_BINDING_SYNC_CREATE);
  /* The view's keys move layer and head too. */
  g_object_bind_property (selection, "layer", view, "layer",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (selection, "head", view, "head",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (selection, "colormap", view, "colormap", G_BINDING_SYNC_CREATE);
  g_object_bind_property (selection, "scale", view, "scale", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (selection, "notify::matrix", G_CALLBACK (view_matrix_cb), view, 0);
  view_matrix_cb (selection, NULL, view);
}

void
attention_page_show_hover (GtkLabel *label, AttentionCanvas *canvas)
{
  const char *text = attention_canvas_get_hover_text (canvas);
  gboolean show = text != NULL && *text != '\0';

  g_return_if_fail (GTK_IS_LABEL (label));

  /* A row of its own under the matrix, so it never covers a label or a
   * cell; empty, it keeps its height, so the matrix does not jump. */
  gtk_label_set_label (label, show ? text : "");
  if (show)
    gtk_widget_remove_css_class (GTK_WIDGET (label), "empty");
  else
    gtk_widget_add_css_class (GTK_WIDGET (label), "empty");
}

/* ---------------------------------------------------------------- GObject */

static gboolean
attention_page_grab_focus (GtkWidget *widget)
{
  AttentionPagePrivate *priv = attention_page_get_instance_private (ATTENTION_PAGE (widget));

  if (priv->focus_widget != NULL)
    return gtk_widget_grab_focus (priv->focus_widget);
  return GTK_WIDGET_CLASS (attention_page_parent_class)->grab_focus (widget);
}

static void
attention_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttentionPagePrivate *priv = attention_page_get_instance_private (ATTENTION_PAGE (object));

  switch (prop_id)
    {
      case PROP_SELECTION:
        g_value_set_object (value, priv->selection);
        break;
      case PROP_GROUPS:
        g_value_set_flags (value, priv->groups);
        break;
      case PROP_FOCUS_WIDGET:
        g_value_set_object (value, priv->focus_widget);
        break;
      case PROP_HEADS:
        g_value_set_uint64 (value, priv->heads);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AttentionPagePrivate *priv = attention_page_get_instance_private (ATTENTION_PAGE (object));

  switch (prop_id)
    {
      case PROP_SELECTION:
        priv->selection = g_value_dup_object (value);
        break;
      case PROP_GROUPS:
        priv->groups = g_value_get_flags (value);
        break;
      case PROP_FOCUS_WIDGET:
        /* A child of the page: it lives as long as the page. */
        priv->focus_widget = g_value_get_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_page_constructed (GObject *object)
{
  AttentionPagePrivate *priv = attention_page_get_instance_private (ATTENTION_PAGE (object));

  G_OBJECT_CLASS (attention_page_parent_class)->constructed (object);
  /* A page alone (tests) shows a selection of its own. */
  if (priv->selection == NULL)
    priv->selection = attention_selection_new ();
}

static void
attention_page_dispose (GObject *object)
{
  AttentionPagePrivate *priv = attention_page_get_instance_private (ATTENTION_PAGE (object));
  GtkWidget *child;

  priv->focus_widget = NULL;
  /* Each page is its own class's template. */
  gtk_widget_dispose_template (GTK_WIDGET (object), G_OBJECT_TYPE (object));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&priv->selection);
  G_OBJECT_CLASS (attention_page_parent_class)->dispose (object);
}

static void
attention_page_class_init (AttentionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = attention_page_get_property;
  object_class->set_property = attention_page_set_property;
  object_class->constructed = attention_page_constructed;
  object_class->dispose = attention_page_dispose;
  widget_class->grab_focus = attention_page_grab_focus;

  properties[PROP_SELECTION] =
      g_param_spec_object ("selection", NULL, NULL, ATTENTION_TYPE_SELECTION,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GROUPS] = g_param_spec_flags ("groups", NULL, NULL, ATTENTION_TYPE_PAGE_GROUPS, 0,
                                                G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOCUS_WIDGET] = g_param_spec_object ("focus-widget", NULL, NULL, GTK_TYPE_WIDGET,
                                                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEADS] = g_param_spec_uint64 ("heads", NULL, NULL, 0, G_MAXUINT64, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  /* A named group: the window names each page as its switcher button. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
attention_page_init (AttentionPage *self)
{
}
