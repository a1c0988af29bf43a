// The config file commands read when --config is not given.
export const DEFAULT_CONFIG = process.env.ESP_BRIDGE_CONFIG ?? 'config/example.yaml';
