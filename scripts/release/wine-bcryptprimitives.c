/* Only for the smoke test under an old wine (Debian 12 ships wine 8, which
 * lacks bcryptprimitives.dll; Rust's std asks it for random bytes). Never
 * shipped: Windows 10 and later have the real DLL. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len) {
        ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!SystemFunction036(data, n)) return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
