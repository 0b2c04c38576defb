"""WhatsApp Cloud API: template sender and status webhook."""
