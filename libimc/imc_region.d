imc_region.o: imc_region.c imc_internal.h ../include/sys/imc.h \
 ../include/uapi/rsm_ioctl.h
imc_internal.h:
../include/sys/imc.h:
../include/uapi/rsm_ioctl.h:
