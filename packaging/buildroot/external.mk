include $(sort $(wildcard $(BR2_EXTERNAL_WIREBOX_PATH)/package/*/*.mk))
