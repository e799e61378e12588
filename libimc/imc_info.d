imc_info.o: imc_info.c imc_internal.h ../include/sys/imc.h \
 ../include/uapi/rsm_ioctl.h
imc_internal.h:
../include/sys/imc.h:
../include/uapi/rsm_ioctl.h:
