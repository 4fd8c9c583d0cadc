/* attention-limit-banner.c: the "trained on at most N tokens" strip (see the
 * header) */

#include "attention-limit-banner.h"

#include <glib/gi18n.h>

struct _AttentionLimitBanner
{
  GtkWidget parent_instance;

  GtkWidget *box; /* the icon and the label */
  GtkWidget *label;
  AttentionResult *result;
};

G_DEFINE_FINAL_TYPE (AttentionLimitBanner, attention_limit_banner, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_RESULT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
attention_limit_banner_set_result (AttentionLimitBanner *self, AttentionResult *result)
{
  g_autofree char *text = NULL;
  guint n = 0, trusted = 0;

  g_return_if_fail (ATTENTION_IS_LIMIT_BANNER (self));
  g_return_if_fail (result == NULL || ATTENTION_IS_RESULT (result));

  if (!g_set_object (&self->result, result))
    return;
  if (result != NULL)
    {
      n = attention_result_get_n_tokens (result);
      trusted = attention_result_get_n_trusted (result);
    }
  if (trusted < n)
    text = g_strdup_printf (
        /* Translators: the model's trained length, the text's token count,
         * then the trained length again. */
        _ ("This model was trained on at most %u tokens; the text has %u. Tokens after %u are "
           "drawn hatched, and their attention is not meaningful."),
        trusted, n, trusted);
  gtk_label_set_text (GTK_LABEL (self->label), text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self), text != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}

const char *
attention_limit_banner_get_text (AttentionLimitBanner *self)
{
  g_return_val_if_fail (ATTENTION_IS_LIMIT_BANNER (self), NULL);
  return gtk_label_get_text (GTK_LABEL (self->label));
}

static void
attention_limit_banner_get_property (GObject *object,
                                     guint prop_id,
                                     GValue *value,
                                     GParamSpec *pspec)
{
  AttentionLimitBanner *self = ATTENTION_LIMIT_BANNER (object);

  switch (prop_id)
    {
      case PROP_RESULT:
        g_value_set_object (value, self->result);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_limit_banner_set_property (GObject *object,
                                     guint prop_id,
                                     const GValue *value,
                                     GParamSpec *pspec)
{
  AttentionLimitBanner *self = ATTENTION_LIMIT_BANNER (object);

  switch (prop_id)
    {
      case PROP_RESULT:
        attention_limit_banner_set_result (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_limit_banner_dispose (GObject *object)
{
  AttentionLimitBanner *self = ATTENTION_LIMIT_BANNER (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->result);
  G_OBJECT_CLASS (attention_limit_banner_parent_class)->dispose (object);
}

static void
attention_limit_banner_class_init (AttentionLimitBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = attention_limit_banner_get_property;
  object_class->set_property = attention_limit_banner_set_property;
  object_class->dispose = attention_limit_banner_dispose;

  properties[PROP_RESULT] =
      g_param_spec_object ("result", NULL, NULL, ATTENTION_TYPE_RESULT,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "limitbanner");
  /* Read out when it appears: it changes what the picture means. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ALERT);
}

static void
attention_limit_banner_init (AttentionLimitBanner *self)
{
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  self->box = box;
  gtk_widget_set_parent (box, GTK_WIDGET (self));
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), icon);
  self->label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0);
  gtk_widget_set_hexpand (self->label, TRUE);
  gtk_box_append (GTK_BOX (box), self->label);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}
